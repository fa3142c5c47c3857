package dev.grpcedge.route;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Messages as the bytes they are: what the gateway forwards or bridges, it never parses. */
public final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
  public static final Bytes INSTANCE = new Bytes();

  private Bytes() {}

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A descriptor for {@code fullMethodName} of unknown kind: the forwarder handles all four alike. */
  static MethodDescriptor<byte[], byte[]> method(String fullMethodName) {
    return MethodDescriptor.<byte[], byte[]>newBuilder(INSTANCE, INSTANCE)
        .setFullMethodName(fullMethodName)
        .setType(MethodDescriptor.MethodType.UNKNOWN)
        .build();
  }
}
