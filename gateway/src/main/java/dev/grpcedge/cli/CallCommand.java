package dev.grpcedge.cli;

import com.google.auth.Credentials;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.client.EdgeChannelBuilder;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grpc-edge call}: calls one Greeter method over TLS and prints the replies, or the failing status. */
@Command(name = "call", mixinStandardHelpOptions = true,
    description = "Call a Greeter method over TLS. Prints each reply; on failure prints the status and exits 1.")
public final class CallCommand implements Callable<Integer> {
  /** The Greeter's methods. */
  enum Method {
    SayHello,
    SayHelloAgain,
    LotsOfReplies,
    LotsOfGreetings,
    BidiHello
  }

  @Parameters(index = "0", description = "Method: ${COMPLETION-CANDIDATES}.")
  Method method;

  @Mixin
  TargetOptions server;

  @Mixin
  CredentialOptions credentials;

  @Option(names = "--transport", defaultValue = "netty",
      description = "netty or okhttp (the Android transport); default ${DEFAULT-VALUE}.")
  String transport;

  @Option(names = "--deadline", defaultValue = "10s", description = "Deadline for the call, e.g. 500ms, 10s (default: ${DEFAULT-VALUE}).")
  Duration deadline;

  @Option(names = "--name", defaultValue = "World", split = ",",
      description = "Name(s) to greet; several (comma-separated or repeated) for LotsOfGreetings and BidiHello.")
  List<String> names;

  @Option(names = "--count", defaultValue = "0", description = "LotsOfReplies: number of replies, 0 to 1000 (0 = the server's default).")
  int count;

  @Option(names = "--interval", defaultValue = "0ms", description = "LotsOfReplies: pause between replies, e.g. 200ms.")
  Duration interval;

  @Override
  public Integer call() throws InterruptedException {
    ManagedChannel channel;
    CallCredentials bearer;
    String to;
    Path trusted = server.trusted();
    try {
      if (count < 0) {
        throw new IllegalArgumentException("--count must be 0 or more, got " + count);
      }
      to = server.target();
      Credentials source = credentials.credentials();
      bearer = source == null ? null : BearerCredentials.from(source);
      channel = server.channel(to).transport(transport()).build();
    } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
      System.err.println("grpc-edge call: " + e.getMessage());
      return 2;
    }
    try {
      GreeterGrpc.GreeterStub async = GreeterGrpc.newStub(channel);
      GreeterGrpc.GreeterBlockingStub blocking = GreeterGrpc.newBlockingStub(channel);
      if (bearer != null) {
        async = async.withCallCredentials(bearer);
        blocking = blocking.withCallCredentials(bearer);
      }
      async = async.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
      blocking = blocking.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
      invoke(blocking, async);
      return 0;
    } catch (StatusRuntimeException e) {
      System.err.println("grpc-edge call: " + CallFailures.describe(e, to, trusted, deadline));
      return 1;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private void invoke(GreeterGrpc.GreeterBlockingStub blocking, GreeterGrpc.GreeterStub async)
      throws InterruptedException {
    switch (method) {
      case SayHello -> print(blocking.sayHello(request(names.get(0))));
      case SayHelloAgain -> print(blocking.sayHelloAgain(request(names.get(0))));
      case LotsOfReplies -> {
        HelloRequest req = request(names.get(0)).toBuilder()
            .setCount(count).setIntervalMillis((int) Math.min(interval.toMillis(), 0xFFFF_FFFFL)).build();
        for (Iterator<HelloReply> it = blocking.lotsOfReplies(req); it.hasNext(); ) {
          print(it.next());
        }
      }
      case LotsOfGreetings -> {
        Collector done = new Collector();
        StreamObserver<HelloRequest> requests = async.lotsOfGreetings(done);
        names.forEach(n -> requests.onNext(request(n)));
        requests.onCompleted();
        done.await();
      }
      case BidiHello -> {
        Collector done = new Collector();
        StreamObserver<HelloRequest> requests = async.bidiHello(done);
        names.forEach(n -> requests.onNext(request(n)));
        requests.onCompleted();
        done.await();
      }
    }
  }

  private EdgeChannelBuilder.Transport transport() {
    return switch (transport) {
      case "netty" -> EdgeChannelBuilder.Transport.NETTY;
      case "okhttp" -> EdgeChannelBuilder.Transport.OKHTTP;
      default -> throw new IllegalArgumentException("--transport: netty or okhttp, not " + transport);
    };
  }

  private static HelloRequest request(String name) {
    return HelloRequest.newBuilder().setName(name).build();
  }

  private static void print(HelloReply reply) {
    System.out.println(reply.getMessage());
  }

  /** Prints replies as they arrive and completes when the call ends. */
  private static final class Collector implements StreamObserver<HelloReply> {
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    @Override
    public void onNext(HelloReply reply) {
      print(reply);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(null);
    }

    void await() throws InterruptedException {
      try {
        done.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof StatusRuntimeException s ? s : Status.fromThrowable(e.getCause()).asRuntimeException();
      }
    }
  }
}
