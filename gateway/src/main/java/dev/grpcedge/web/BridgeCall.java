package dev.grpcedge.web;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One browser request as a call through the gateway's interceptor chain (on the bridge's in-process channel),
 * its answer written back as gRPC-Web: the response headers with the first message, a frame per message, the
 * trailer frame last; or, when the call ends before any message, a trailers-only answer. A reply is asked for
 * only once the previous one is written and the browser's connection is writable, so a slow reader pushes back
 * on the service instead of filling the heap; a browser that goes away cancels the call.
 */
final class BridgeCall extends ClientCall.Listener<byte[]> {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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
  };

  private final ChannelHandlerContext ctx;
  private final WebProtocol protocol;
  private final HttpHeaders cors;
  private final boolean keepAlive;
  private final Runnable onDone;
  private ClientCall<byte[], byte[]> call;
  private Metadata responseHeaders = new Metadata();
  private boolean headersSent;
  private volatile boolean waitingForWritable;
  private volatile boolean done;

  BridgeCall(ChannelHandlerContext ctx, WebProtocol protocol, HttpHeaders cors, boolean keepAlive, Runnable onDone) {
    this.ctx = ctx;
    this.protocol = protocol;
    this.cors = cors;
    this.keepAlive = keepAlive;
    this.onDone = onDone;
  }

  /** Starts {@code method} with the request's messages, all sent and half-closed at once (a browser's body is whole). */
  void start(Channel channel, String method, Metadata headers, long deadlineNanos, List<byte[]> messages) {
    MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNKNOWN).setFullMethodName(method)
        .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    call = channel.newCall(descriptor, CallOptions.DEFAULT.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS));
    call.start(this, headers);
    for (byte[] message : messages) {
      call.sendMessage(message);
    }
    call.halfClose();
    call.request(1);
  }

  /** The browser went away (closed the tab, aborted the fetch, dropped the connection): the call stops. */
  void cancel(String reason) {
    if (!done && call != null) {
      call.cancel(reason, null);
    }
  }

  /** The browser's connection can take more: ask for the reply that waited for it. */
  void writable() {
    if (waitingForWritable && ctx.channel().isWritable()) {
      waitingForWritable = false;
      call.request(1);
    }
  }

  @Override
  public void onHeaders(Metadata headers) {
    responseHeaders = headers;
  }

  @Override
  public void onMessage(byte[] message) {
    if (!headersSent) {
      headersSent = true;
      HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      HttpUtil.setTransferEncodingChunked(response, true);
      headers(response.headers());
      WebHeaders.addTo(response.headers(), responseHeaders);
      ctx.write(response);
    }
    ctx.writeAndFlush(new DefaultHttpContent(Frames.message(ctx.alloc(), message, protocol.text())))
        .addListener(written -> {
          if (!written.isSuccess()) {
            cancel("the browser's connection failed");
          } else if (ctx.channel().isWritable()) {
            call.request(1);
          } else {
            waitingForWritable = true;
            writable();
          }
        });
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    done = true;
    if (!ctx.channel().isActive()) {
      onDone.run();
      return;
    }
    if (headersSent) {
      ctx.write(new DefaultHttpContent(Frames.trailers(ctx.alloc(), status, trailers, protocol.text())));
      finish(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
    } else {
      // Trailers-only: the status and trailers are the headers of an answer without a body.
      DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      headers(response.headers());
      WebHeaders.addTo(response.headers(), responseHeaders);
      WebHeaders.addTo(response.headers(), trailers);
      WebHeaders.addStatus(response.headers(), status);
      HttpUtil.setContentLength(response, 0);
      finish(ctx.writeAndFlush(response));
    }
  }

  private void headers(HttpHeaders headers) {
    headers.set(HttpHeaderNames.CONTENT_TYPE, protocol.responseType);
    headers.add(cors);
  }

  private void finish(io.netty.channel.ChannelFuture written) {
    written.addListener(f -> onDone.run());
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
