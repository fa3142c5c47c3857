package dev.grpcedge.bench;

import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Server streams: each operation is one {@code LotsOfReplies} call of {@value #REPLIES} replies sent back to back,
 * complete when the stream ends, so messages per second are {@value #REPLIES} times the operations per second.
 */
public final class ReplyStreamWorkload implements Workload {
  /** Replies per stream. */
  public static final int REPLIES = 100;

  private final BenchChannels channels;
  private final GreeterGrpc.GreeterStub[] stubs;
  private final HelloRequest request;
  private final AtomicInteger next = new AtomicInteger();

  public ReplyStreamWorkload(BenchChannels channels, HelloRequest request) {
    this.channels = channels;
    this.request = request.toBuilder().setCount(REPLIES).setIntervalMillis(0).build();
    this.stubs = new GreeterGrpc.GreeterStub[channels.size()];
    for (int i = 0; i < stubs.length; i++) {
      stubs[i] = GreeterGrpc.newStub(channels.channel(i));
    }
  }

  @Override
  public void issue(Consumer<Status.Code> done) {
    GreeterGrpc.GreeterStub stub = stubs[Math.floorMod(next.getAndIncrement(), stubs.length)];
    stub.withDeadlineAfter(30, TimeUnit.SECONDS).lotsOfReplies(request, new StreamObserver<>() {
      private int replies;

      @Override
      public void onNext(HelloReply reply) {
        replies++;
      }

      @Override
      public void onError(Throwable t) {
        done.accept(Status.fromThrowable(t).getCode());
      }

      @Override
      public void onCompleted() {
        done.accept(replies == REPLIES ? Status.Code.OK : Status.Code.DATA_LOSS);
      }
    });
  }

  @Override
  public Executor issuer() {
    return channels.loop();
  }

  @Override
  public void close() {
    channels.close();
  }
}
