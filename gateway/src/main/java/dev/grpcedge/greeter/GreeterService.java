package dev.grpcedge.greeter;

import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Greeter: the quickstart's two unary greetings plus one method of each streaming kind.
 *
 * <p>Server streams are driven by a shared scheduler, never by a thread parked in {@code sleep}, and stop at the
 * first tick after the call is cancelled or its deadline passes.
 */
public final class GreeterService extends GreeterGrpc.GreeterImplBase {
  static final int DEFAULT_REPLIES = 3;
  static final int MAX_REPLIES = 1000;
  static final int MAX_INTERVAL_MILLIS = 60_000;
  static final int MAX_GREETINGS = 1000;

  private final ScheduledExecutorService scheduler;
  private final AtomicInteger activeStreams = new AtomicInteger();

  /** @param scheduler runs the ticks of {@code LotsOfReplies}; owned by the caller */
  public GreeterService(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /** Server streams still producing greetings; drops to zero once every stream has finished or stopped. */
  public int activeStreams() {
    return activeStreams.get();
  }

  @Override
  public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
    unary(responses, () -> "Hello, " + Names.check(request.getName()) + "!");
  }

  @Override
  public void sayHelloAgain(HelloRequest request, StreamObserver<HelloReply> responses) {
    unary(responses, () -> "Hello again, " + Names.check(request.getName()) + "!");
  }

  @Override
  public void lotsOfReplies(HelloRequest request, StreamObserver<HelloReply> responses) {
    String name;
    long count;
    long interval;
    try {
      name = Names.check(request.getName());
      // Both fields are uint32 on the wire: protobuf-java hands them over as a signed int, so 3,000,000,000 (or a
      // caller's -1) would read as negative and slip under a signed bound.
      count = Names.atMost("count", Integer.toUnsignedLong(request.getCount()), MAX_REPLIES);
      interval = Names.atMost("interval_millis", Integer.toUnsignedLong(request.getIntervalMillis()),
          MAX_INTERVAL_MILLIS);
    } catch (StatusRuntimeException e) {
      responses.onError(e);
      return;
    }
    if (count == 0) {
      count = DEFAULT_REPLIES;
    }
    ServerCallStreamObserver<HelloReply> call = (ServerCallStreamObserver<HelloReply>) responses;
    new ReplyStream(call, scheduler, activeStreams, name, (int) count, interval).start();
  }

  @Override
  public StreamObserver<HelloRequest> lotsOfGreetings(StreamObserver<HelloReply> responses) {
    return new StreamObserver<>() {
      private final List<String> names = new ArrayList<>();
      private boolean failed;

      @Override
      public void onNext(HelloRequest request) {
        if (failed) {
          return;
        }
        try {
          if (names.size() == MAX_GREETINGS) {
            throw Names.invalid("more than " + MAX_GREETINGS + " names");
          }
          names.add(Names.check(request.getName()));
        } catch (StatusRuntimeException e) {
          failed = true;
          responses.onError(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        // The caller went away; there is nobody left to answer.
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        if (names.isEmpty()) {
          responses.onError(Names.invalid("at least one name is required"));
          return;
        }
        responses.onNext(reply("Hello, " + join(names) + "!"));
        responses.onCompleted();
      }
    };
  }

  @Override
  public StreamObserver<HelloRequest> bidiHello(StreamObserver<HelloReply> responses) {
    return new StreamObserver<>() {
      private boolean failed;

      @Override
      public void onNext(HelloRequest request) {
        if (failed) {
          return;
        }
        try {
          responses.onNext(reply("Hello, " + Names.check(request.getName()) + "!"));
        } catch (StatusRuntimeException e) {
          failed = true;
          responses.onError(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        // The caller went away; nothing more to send.
      }

      @Override
      public void onCompleted() {
        if (!failed) {
          responses.onCompleted();
        }
      }
    };
  }

  static HelloReply reply(String message) {
    return HelloReply.newBuilder().setMessage(message).build();
  }

  /** "A", "A and B", "A, B and C". */
  static String join(List<String> names) {
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
  }

  private static void unary(StreamObserver<HelloReply> responses, java.util.function.Supplier<String> message) {
    HelloReply reply;
    try {
      reply = reply(message.get());
    } catch (StatusRuntimeException e) {
      responses.onError(e);
      return;
    }
    responses.onNext(reply);
    responses.onCompleted();
  }
}
