package dev.grpcedge.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A deliberately naive HTTP/2 client over TLS that writes frames by hand and ignores the server's
 * SETTINGS, so tests can send what a well-behaved gRPC client refuses to (e.g. oversized headers) and see how the
 * gateway answers on the wire.
 */
public final class RawHttp2Client implements AutoCloseable {
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0;
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int PING = 6;
  private static final int GOAWAY = 7;
  private static final int WINDOW_UPDATE = 8;
  private static final int CONTINUATION = 9;
  /** HTTP/2's CANCEL error code. */
  public static final long CANCEL = 0x8;
  /** HTTP/2's ENHANCE_YOUR_CALM error code. */
  public static final long ENHANCE_YOUR_CALM = 0xb;

  private final SSLSocket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, 1 << 20);
  // One encoder per connection, as HPACK's dynamic table is per connection.
  private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
  private int nextStream = 1;

  /** What came back for one stream: response headers and trailers merged, or the RST_STREAM / GOAWAY code. */
  public record Response(Http2Headers headers, long resetCode, boolean goAway) {}

  public RawHttp2Client(int port, Path caFile) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (var pem = Files.newInputStream(caFile)) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters params = socket.getSSLParameters();
    params.setApplicationProtocols(new String[] {"h2"});
    socket.setSSLParameters(params);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    if (!"h2".equals(socket.getApplicationProtocol())) {
      throw new IOException("ALPN did not select h2: " + socket.getApplicationProtocol());
    }
    out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    in = new DataInputStream(socket.getInputStream());
    out.write(PREFACE);
    writeFrame(SETTINGS, 0, 0, new byte[0]);
    out.flush();
  }

  /** How a connection ended for the client: the server's GOAWAY code, or -1 if it closed without one. */
  public record Ending(long goAwayCode, int lastStreamId) {}

  /** Opens a gRPC stream for {@code path} (HEADERS with END_HEADERS), without a message; returns its id. */
  public int openStream(String path, Map<String, String> extraHeaders) throws IOException {
    int stream = nextStream;
    nextStream += 2;
    writeFrame(HEADERS, 0x4, stream, headerBlock(stream, path, extraHeaders));
    return stream;
  }

  /** HEADERS without END_HEADERS, then {@code count} empty CONTINUATION frames, never ending the block. */
  public void headersInPieces(String path, int count) throws IOException {
    int stream = nextStream;
    nextStream += 2;
    byte[] block = headerBlock(stream, path, Map.of());
    writeFrame(HEADERS, 0, stream, block);
    for (int i = 0; i < count; i++) {
      writeFrame(CONTINUATION, 0, stream, new byte[0]);
    }
  }

  public void reset(int stream, long code) throws IOException {
    writeFrame(RST_STREAM, 0, stream, new byte[] {(byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8),
        (byte) code});
  }

  public void windowUpdate(int stream, int increment) throws IOException {
    writeFrame(WINDOW_UPDATE, 0, stream, new byte[] {(byte) (increment >>> 24), (byte) (increment >>> 16),
        (byte) (increment >>> 8), (byte) increment});
  }

  /** A DATA frame with no data and no END_STREAM. */
  public void emptyData(int stream) throws IOException {
    writeFrame(DATA, 0, stream, new byte[0]);
  }

  /** One gRPC message on {@code stream}, ending it when {@code last}. */
  public void message(int stream, byte[] message, boolean last) throws IOException {
    writeFrame(DATA, last ? 0x1 : 0, stream, grpcFrame(message));
  }

  public void settings() throws IOException {
    writeFrame(SETTINGS, 0, 0, new byte[0]);
  }

  public void ping() throws IOException {
    writeFrame(PING, 0, 0, new byte[8]);
  }

  public void flush() throws IOException {
    out.flush();
  }

  /**
   * Reads until the server's GOAWAY or the end of the connection, up to {@code seconds}; answers SETTINGS. Throws
   * if the connection is still open then.
   */
  public Ending awaitEnd(int seconds) throws IOException {
    socket.setSoTimeout(seconds * 1000);
    try {
      while (true) {
        int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        in.readInt();
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (type == GOAWAY && length >= 8) {
          java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(payload);
          int last = b.getInt() & 0x7fffffff;
          return new Ending(b.getInt() & 0xffffffffL, last);
        }
        if (type == SETTINGS && (flags & 0x1) == 0) {
          try {
            writeFrame(SETTINGS, 0x1, 0, new byte[0]);
            out.flush();
          } catch (IOException e) {
            // The server may already have closed its side.
          }
        }
      }
    } catch (java.io.EOFException | java.net.SocketException e) {
      return new Ending(-1, -1);
    }
  }

  private byte[] headerBlock(int stream, String path, Map<String, String> extraHeaders) {
    Http2Headers headers = new DefaultHttp2Headers()
        .method("POST").scheme("https").path(path).authority("localhost")
        .add("content-type", "application/grpc").add("te", "trailers");
    extraHeaders.forEach(headers::add);
    ByteBuf block = Unpooled.buffer();
    try {
      encoder.encodeHeaders(stream, headers, block);
    } catch (io.netty.handler.codec.http2.Http2Exception e) {
      throw new IllegalStateException(e);
    }
    byte[] bytes = new byte[block.readableBytes()];
    block.readBytes(bytes);
    return bytes;
  }

  private static byte[] grpcFrame(byte[] message) {
    byte[] framed = new byte[5 + message.length]; // gRPC framing: uncompressed flag, 4-byte length, message
    framed[1] = (byte) (message.length >>> 24);
    framed[2] = (byte) (message.length >>> 16);
    framed[3] = (byte) (message.length >>> 8);
    framed[4] = (byte) message.length;
    System.arraycopy(message, 0, framed, 5, message.length);
    return framed;
  }

  /** Sends a unary gRPC request with these extra headers and one serialized message; returns what the server said. */
  public Response unary(String path, Map<String, String> extraHeaders, byte[] message) throws Exception {
    int stream = nextStream;
    nextStream += 2;
    Http2Headers headers = new DefaultHttp2Headers()
        .method("POST").scheme("https").path(path).authority("localhost")
        .add("content-type", "application/grpc").add("te", "trailers");
    extraHeaders.forEach(headers::add);
    ByteBuf block = Unpooled.buffer();
    // A fresh encoder has no peer SETTINGS, so no header-list limit: the point is to send what the server forbids.
    new DefaultHttp2HeadersEncoder()
        .encodeHeaders(stream, headers, block);
    byte[] bytes = new byte[block.readableBytes()];
    block.readBytes(bytes);
    writeFrame(HEADERS, 0x4, stream, bytes); // END_HEADERS
    byte[] framed = new byte[5 + message.length]; // gRPC framing: uncompressed flag, 4-byte length, message
    framed[1] = (byte) (message.length >>> 24);
    framed[2] = (byte) (message.length >>> 16);
    framed[3] = (byte) (message.length >>> 8);
    framed[4] = (byte) message.length;
    System.arraycopy(message, 0, framed, 5, message.length);
    writeFrame(DATA, 0x1, stream, framed); // END_STREAM
    out.flush();
    return readResponse(stream);
  }

  private Response readResponse(int stream) throws Exception {
    Http2Headers merged = new DefaultHttp2Headers();
    while (true) {
      int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      int streamId = in.readInt() & 0x7fffffff;
      byte[] payload = new byte[length];
      in.readFully(payload);
      if (type == SETTINGS && (flags & 0x1) == 0) {
        writeFrame(SETTINGS, 0x1, 0, new byte[0]); // ACK
        out.flush();
      } else if (type == GOAWAY) {
        return new Response(merged, -1, true);
      } else if (streamId == stream && type == RST_STREAM) {
        return new Response(merged, ((payload[0] & 0xffL) << 24) | ((payload[1] & 0xff) << 16)
            | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff), false);
      } else if (streamId == stream && type == HEADERS) {
        merged.add(decoder.decodeHeaders(stream, Unpooled.wrappedBuffer(payload)));
        if ((flags & 0x1) != 0) {
          return new Response(merged, -1, false);
        }
      } else if (streamId == stream && type == DATA && (flags & 0x1) != 0) {
        return new Response(merged, -1, false);
      }
    }
  }

  private void writeFrame(int type, int flags, int stream, byte[] payload) throws IOException {
    byte[] header = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
        (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
    out.write(header);
    out.write(payload);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
