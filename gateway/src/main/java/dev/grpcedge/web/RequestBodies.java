package dev.grpcedge.web;

import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body's messages as its protocol carries them: gRPC-Web frames (base64 in text mode), Connect
 * envelopes, or, for Connect unary, the body itself; JSON turned into protobuf bytes. Whatever a client sends,
 * the answer is the messages or {@link Frames.Malformed} with the status to give; nothing else escapes (this is
 * what the fuzz test holds it to).
 */
final class RequestBodies {
  private RequestBodies() {}

  static List<byte[]> messages(WebProtocol protocol, String method, ByteBuf content, JsonCodec json, int maxMessage)
      throws Frames.Malformed {
    if (protocol.json && !json.knows(method)) {
      throw new Frames.Malformed(Status.UNIMPLEMENTED.withDescription("JSON needs a method the gateway knows;"
          + " use application/proto"));
    }
    if (protocol.connectUnary()) {
      if (content.readableBytes() > maxMessage) {
        throw new Frames.Malformed(Status.RESOURCE_EXHAUSTED.withDescription("message of "
            + content.readableBytes() + " bytes is larger than the limit of " + maxMessage));
      }
      return List.of(protocol.json ? json.request(method, content.toString(StandardCharsets.UTF_8))
          : ByteBufUtil.getBytes(content));
    }
    ByteBuf body = protocol.text() ? Frames.decodeText(content) : content.retainedDuplicate();
    try {
      List<byte[]> messages = Frames.messages(body, maxMessage);
      if (!protocol.json) {
        return messages;
      }
      List<byte[]> binary = new ArrayList<>(messages.size());
      for (byte[] m : messages) {
        binary.add(json.request(method, new String(m, StandardCharsets.UTF_8)));
      }
      return binary;
    } finally {
      body.release();
    }
  }
}
