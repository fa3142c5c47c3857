package dev.grpcedge.web;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.grpcedge.greeter.GreeterService;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * The gRPC-Web and Connect request decoders under Jazzer: whatever bytes a client sends, in any of the six
 * protocols, decoding ends in messages or {@link Frames.Malformed}; any other exception, a hang or an allocation
 * the limit does not allow is a finding. In {@code mvn -B verify} it runs as a regression test (its seeds), and in
 * the surefire execution "fuzz" for 30 s (JAZZER_FUZZ=1); scripts/fuzz-web runs it longer.
 */
class WebDecodersFuzzTest {
  private static final int MAX_MESSAGE = 4096;
  private static final JsonCodec JSON = new JsonCodec(List.of(new GreeterService(null).bindService()));
  private static final WebProtocol[] PROTOCOLS = WebProtocol.values();

  @FuzzTest(maxDuration = "30s")
  void anyBodyDecodesOrIsMalformed(FuzzedDataProvider data) {
    WebProtocol protocol = PROTOCOLS[data.consumeInt(0, PROTOCOLS.length - 1)];
    String method = data.consumeBoolean() ? "greeter.Greeter/SayHello" : "greeter.Greeter/LotsOfReplies";
    byte[] body = data.consumeRemainingAsBytes();
    try {
      List<byte[]> messages = RequestBodies.messages(protocol, method, Unpooled.wrappedBuffer(body), JSON, MAX_MESSAGE);
      for (byte[] m : messages) {
        if (m.length > MAX_MESSAGE * 4) {
          throw new AssertionError("a message of " + m.length + " bytes passed a limit of " + MAX_MESSAGE);
        }
      }
    } catch (Frames.Malformed expected) {
      if (expected.status.isOk()) {
        throw new AssertionError("malformed with an OK status");
      }
    }
  }
}
