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

/** Unary {@code SayHello} calls, spread round robin over the connections. */
public final class UnaryWorkload implements Workload {
  private final BenchChannels channels;
  private final GreeterGrpc.GreeterStub[] stubs;
  private final HelloRequest request;
  private final AtomicInteger next = new AtomicInteger();

  public UnaryWorkload(BenchChannels channels, HelloRequest request) {
    this.channels = channels;
    this.request = request;
    this.stubs = new GreeterGrpc.GreeterStub[channels.size()];
    for (int i = 0; i < stubs.length; i++) {
      stubs[i] = GreeterGrpc.newStub(channels.channel(i));
    }
  }

  @Override
  public void issue(Consumer<Status.Code> done) {
    GreeterGrpc.GreeterStub stub = stubs[Math.floorMod(next.getAndIncrement(), stubs.length)];
    stub.withDeadlineAfter(30, TimeUnit.SECONDS).sayHello(request, new StreamObserver<>() {
      @Override
      public void onNext(HelloReply reply) {}

      @Override
      public void onError(Throwable t) {
        done.accept(Status.fromThrowable(t).getCode());
      }

      @Override
      public void onCompleted() {
        done.accept(Status.Code.OK);
      }
    });
  }

  /** The connections' event loop: calls started there are written without waking another thread. */
  @Override
  public Executor issuer() {
    return channels.loop();
  }

  @Override
  public void close() {
    channels.close();
  }
}
