package dev.grpcedge.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Takes grpc-java's {@code NettyServerHandler} "Stream Error" records, each a WARN with a full stack trace, out
 * of the log: a stream closed under a pending write (the caller cancelled or dropped its connection) is ordinary
 * and already has its access line; any other stream error is something a client sent. Those are counted in their
 * connection's one WARN when it closes ({@code dev.grpcedge.defence.Http2FrameGuard}, from the resets the server
 * sent), so here each becomes a short DEBUG line without a trace, at most one a second with a count of the rest,
 * since a client must not be able to flood the log.
 */
public final class StreamErrorFilter extends TurboFilter {
  static final String SOURCE = "io.grpc.netty.NettyServerHandler";
  private static final org.slf4j.Logger log = LoggerFactory.getLogger("grpc-edge.http2");
  private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final AtomicLong windowStart = new AtomicLong(System.nanoTime() - WINDOW_NANOS);
  private final AtomicLong suppressed = new AtomicLong();

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (t == null || !"Stream Error".equals(format) || !SOURCE.equals(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    Http2Exception http2 = http2Cause(t);
    Http2Error error = http2 == null ? null : http2.error();
    if (error == Http2Error.STREAM_CLOSED || error == Http2Error.CANCEL) {
      return FilterReply.DENY;
    }
    if (!log.isDebugEnabled()) {
      return FilterReply.DENY;
    }
    long now = System.nanoTime();
    long start = windowStart.get();
    if (now - start >= WINDOW_NANOS && windowStart.compareAndSet(start, now)) {
      long more = suppressed.getAndSet(0);
      // Netty's message may quote what the client sent (a header name): one line, and short.
      String message = AccessLogInterceptor.safe(String.valueOf(t.getMessage()));
      log.debug("HTTP/2 stream error from a client ({}): {}{}", error == null ? "unknown" : error.name(),
          message.length() > 200 ? message.substring(0, 200) + "..." : message,
          more == 0 ? "" : " (" + more + " more in the last second)");
    } else {
      suppressed.incrementAndGet();
    }
    return FilterReply.DENY;
  }

  private static Http2Exception http2Cause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof Http2Exception e) {
        return e;
      }
    }
    return null;
  }
}
