package dev.grpcedge.web;

import dev.grpcedge.route.Bytes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One browser request as a call through the gateway's interceptor chain (on the bridge's in-process channel),
 * its answer written back by the protocol's {@link Answer}. A reply is asked for
 * only once the previous one is written and the browser's connection is writable, so a slow reader pushes back
 * on the service instead of filling the heap; a browser that goes away cancels the call.
 */
final class BridgeCall extends ClientCall.Listener<byte[]> {
  private final ChannelHandlerContext ctx;
  private final Answer answer;
  private final Runnable onDone;
  private ClientCall<byte[], byte[]> call;
  private Metadata responseHeaders = new Metadata();
  private volatile boolean waitingForWritable;
  private volatile boolean done;

  BridgeCall(ChannelHandlerContext ctx, Answer answer, Runnable onDone) {
    this.ctx = ctx;
    this.answer = answer;
    this.onDone = onDone;
  }

  /** Starts {@code method} with the request's messages, all sent and half-closed at once (a browser's body is whole). */
  void start(Channel channel, String method, Metadata headers, long deadlineNanos, List<byte[]> messages) {
    MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNKNOWN).setFullMethodName(method)
        .setRequestMarshaller(Bytes.INSTANCE).setResponseMarshaller(Bytes.INSTANCE).build();
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
    answer.message(message, responseHeaders).addListener(written -> {
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
    answer.close(status, responseHeaders, trailers).addListener(f -> onDone.run());
  }
}
