package dev.grpcedge.bench;

import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Message round trips on long-lived {@code BidiHello} streams: each operation sends one request on an idle
 * stream and completes with its reply. Streams are opened on demand, round robin over the connections, so the
 * number of streams settles at the number of operations in flight.
 */
public final class BidiWorkload implements Workload {
  private final BenchChannels channels;
  private final HelloRequest request;
  private final Queue<Stream> idle = new ConcurrentLinkedQueue<>();
  private final Queue<Stream> all = new ConcurrentLinkedQueue<>();
  private final AtomicInteger next = new AtomicInteger();

  public BidiWorkload(BenchChannels channels, HelloRequest request) {
    this.channels = channels;
    this.request = request;
  }

  @Override
  public void issue(Consumer<Status.Code> done) {
    Stream stream = idle.poll();
    if (stream == null) {
      stream = open();
    }
    stream.send(done);
  }

  private Stream open() {
    int i = Math.floorMod(next.getAndIncrement(), channels.size());
    GreeterGrpc.GreeterStub stub = GreeterGrpc.newStub(channels.channel(i));
    Stream stream = new Stream();
    stream.requests = stub.bidiHello(stream);
    all.add(stream);
    return stream;
  }

  /** The connections' event loop: calls started there are written without waking another thread. */
  @Override
  public Executor issuer() {
    return channels.loop();
  }

  @Override
  public void close() {
    for (Stream stream : all) {
      stream.finish();
    }
    channels.close();
  }

  /** One stream with at most one request awaiting its reply. */
  private final class Stream implements StreamObserver<HelloReply> {
    private StreamObserver<HelloRequest> requests;
    private volatile Consumer<Status.Code> pending;
    private volatile boolean ended;

    void send(Consumer<Status.Code> done) {
      if (ended) {
        done.accept(Status.Code.UNAVAILABLE);
        return;
      }
      pending = done;
      synchronized (this) {
        requests.onNext(request);
      }
    }

    @Override
    public void onNext(HelloReply reply) {
      Consumer<Status.Code> done = pending;
      pending = null;
      // Back in the pool before the callback, which usually issues the next operation at once.
      idle.add(this);
      if (done != null) {
        done.accept(Status.Code.OK);
      }
    }

    @Override
    public void onError(Throwable t) {
      end(Status.fromThrowable(t).getCode());
    }

    @Override
    public void onCompleted() {
      end(Status.Code.OK);
    }

    private void end(Status.Code code) {
      ended = true;
      idle.remove(this);
      Consumer<Status.Code> done = pending;
      pending = null;
      if (done != null) {
        done.accept(code == Status.Code.OK ? Status.Code.UNKNOWN : code);
      }
    }

    synchronized void finish() {
      if (!ended) {
        requests.onCompleted();
      }
    }
  }
}
