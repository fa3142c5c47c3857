package dev.grpcedge.web;

import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * gRPC-Web's length-prefixed frames (grpc/grpc {@code doc/PROTOCOL-WEB.md}): a flag byte (0x00 a message, 0x80
 * the trailers), a 4-byte big-endian length, the bytes. Text mode is the same frames in base64, each response
 * frame encoded whole; a request may carry padding anywhere, as concatenated base64 chunks.
 */
final class Frames {
  static final int TRAILERS = 0x80;

  private Frames() {}

  /** A request that cannot be read as frames: a status for the caller, never the bytes themselves. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;
    final Status status;

    Malformed(Status status) {
      super(status.getDescription(), null, false, false);
      this.status = status;
    }
  }

  /** The messages of a request body, each at most {@code maxMessage} bytes. */
  static List<byte[]> messages(ByteBuf body, int maxMessage) throws Malformed {
    List<byte[]> out = new ArrayList<>();
    while (body.isReadable()) {
      if (body.readableBytes() < 5) {
        throw new Malformed(Status.INTERNAL.withDescription("truncated frame header"));
      }
      int flags = body.readUnsignedByte();
      long length = body.readUnsignedInt();
      if ((flags & TRAILERS) != 0 || (flags & 0x01) != 0) {
        // A client sends no trailers, and the bridge does not take compressed messages (it offers none).
        throw new Malformed(Status.INTERNAL.withDescription("unexpected frame flags " + flags));
      }
      if (length > maxMessage) {
        throw new Malformed(Status.RESOURCE_EXHAUSTED.withDescription(
            "message of " + length + " bytes is larger than the limit of " + maxMessage));
      }
      if (length > body.readableBytes()) {
        throw new Malformed(Status.INTERNAL.withDescription("frame length past the end of the body"));
      }
      byte[] message = new byte[(int) length];
      body.readBytes(message);
      out.add(message);
    }
    return out;
  }

  /** Decodes a text-mode body: base64 chunks, each ending with its own padding. */
  static ByteBuf decodeText(ByteBuf body) throws Malformed {
    String text = body.toString(StandardCharsets.US_ASCII).replaceAll("\\s", "");
    ByteBuf out = Unpooled.buffer(text.length() * 3 / 4 + 3);
    int start = 0;
    try {
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == '=' && (i + 1 == text.length() || text.charAt(i + 1) != '=')) {
          out.writeBytes(Base64.getDecoder().decode(text.substring(start, i + 1)));
          start = i + 1;
        }
      }
      if (start < text.length()) {
        out.writeBytes(Base64.getDecoder().decode(text.substring(start)));
      }
    } catch (IllegalArgumentException e) {
      out.release();
      throw new Malformed(Status.INTERNAL.withDescription("malformed base64 in a grpc-web-text body"));
    }
    return out;
  }

  static ByteBuf message(ByteBufAllocator alloc, byte[] message, boolean text) {
    ByteBuf frame = alloc.buffer(5 + message.length);
    frame.writeByte(0).writeInt(message.length).writeBytes(message);
    return text ? base64(alloc, frame) : frame;
  }

  /** The trailer frame: {@code grpc-status}, {@code grpc-message} and the trailers, as HTTP/1 header lines. */
  static ByteBuf trailers(ByteBufAllocator alloc, Status status, Metadata trailers, boolean text) {
    byte[] block = WebHeaders.trailerBlock(status, trailers).getBytes(StandardCharsets.US_ASCII);
    ByteBuf frame = alloc.buffer(5 + block.length);
    frame.writeByte(TRAILERS).writeInt(block.length).writeBytes(block);
    return text ? base64(alloc, frame) : frame;
  }

  private static ByteBuf base64(ByteBufAllocator alloc, ByteBuf frame) {
    try {
      byte[] raw = new byte[frame.readableBytes()];
      frame.readBytes(raw);
      return alloc.buffer().writeBytes(Base64.getEncoder().encode(raw));
    } finally {
      frame.release();
    }
  }
}
