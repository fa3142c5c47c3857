package dev.grpcedge.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.spi.FilterReply;
import dev.grpcedge.testing.LogCapture;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * grpc-java's stream errors: never a WARN with a trace; a gone stream says nothing; others one safe DEBUG line a
 * second at most.
 */
class StreamErrorFilterTest {
  private static final Logger NETTY = (Logger) LoggerFactory.getLogger(StreamErrorFilter.SOURCE);

  private static FilterReply decide(StreamErrorFilter filter, Throwable t) {
    return filter.decide(null, NETTY, Level.WARN, "Stream Error", null, t);
  }

  @Test
  void aClosedStreamIsDroppedWithoutALine() {
    try (LogCapture http2 = LogCapture.of("grpc-edge.http2")) {
      StreamErrorFilter filter = new StreamErrorFilter();
      assertEquals(FilterReply.DENY, decide(filter,
          Http2Exception.streamError(3, Http2Error.STREAM_CLOSED, "Stream closed before write could take place")));
      assertEquals(FilterReply.DENY, decide(filter, Http2Exception.streamError(5, Http2Error.CANCEL, "cancelled")));
      assertEquals(List.of(), http2.lines());
    }
  }

  @Test
  void whatAClientSentCannotForgeALineAndRepeatsAreCounted() {
    Logger detail = (Logger) LoggerFactory.getLogger("grpc-edge.http2");
    Level before = detail.getLevel();
    detail.setLevel(Level.DEBUG);
    try (LogCapture http2 = LogCapture.of("grpc-edge.http2")) {
      StreamErrorFilter filter = new StreamErrorFilter();
      Throwable forged = Http2Exception.streamError(7, Http2Error.PROTOCOL_ERROR,
          "invalid header name [x\n2026-01-01 INFO access - sub=admin status=OK]");
      assertEquals(FilterReply.DENY, decide(filter, forged));
      assertEquals(FilterReply.DENY, decide(filter, forged));
      assertEquals(List.of("DEBUG HTTP/2 stream error from a client (PROTOCOL_ERROR): invalid header name"
          + " [x?2026-01-01 INFO access - sub=admin status=OK]"), http2.lines());
    } finally {
      detail.setLevel(before);
    }
  }

  @Test
  void atInfoAClientsStreamErrorsWriteNothingHere() {
    // They are counted in their connection's one WARN (Http2FrameGuard) instead.
    try (LogCapture http2 = LogCapture.of("grpc-edge.http2")) {
      StreamErrorFilter filter = new StreamErrorFilter();
      assertEquals(FilterReply.DENY, decide(filter, Http2Exception.streamError(9, Http2Error.PROTOCOL_ERROR, "bad")));
      assertEquals(List.of(), http2.lines());
    }
  }

  @Test
  void otherLogRecordsAreLeftAlone() {
    assertEquals(FilterReply.NEUTRAL, new StreamErrorFilter().decide(null, NETTY, Level.WARN, "Transport failed",
        null, new RuntimeException("x")));
  }
}
