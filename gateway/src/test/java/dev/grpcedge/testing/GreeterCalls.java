package dev.grpcedge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Greets once with each of the four RPC kinds and checks every reply. */
public final class GreeterCalls {
  private GreeterCalls() {}

  public static void assertAllFourKindsGreet(Channel channel, CallCredentials credentials) throws Exception {
    var blocking = GreeterGrpc.newBlockingStub(channel).withCallCredentials(credentials)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
    var async = GreeterGrpc.newStub(channel).withCallCredentials(credentials).withDeadlineAfter(10, TimeUnit.SECONDS);

    assertEquals("Hello, Ann!", blocking.sayHello(request("Ann")).getMessage());

    List<String> replies = new ArrayList<>();
    blocking.lotsOfReplies(request("Ann").toBuilder().setCount(2).build())
        .forEachRemaining(r -> replies.add(r.getMessage()));
    assertEquals(List.of("Hello, Ann! (1 of 2)", "Hello, Ann! (2 of 2)"), replies);

    StreamRecorder<HelloReply> greetings = new StreamRecorder<>();
    StreamObserver<HelloRequest> in = async.lotsOfGreetings(greetings);
    in.onNext(request("Ann"));
    in.onNext(request("Ben"));
    in.onCompleted();
    assertEquals(List.of("Hello, Ann and Ben!"), greetings.awaitMessages());

    StreamRecorder<HelloReply> bidi = new StreamRecorder<>();
    StreamObserver<HelloRequest> out = async.bidiHello(bidi);
    out.onNext(request("Ann"));
    out.onNext(request("Ben"));
    out.onCompleted();
    assertEquals(List.of("Hello, Ann!", "Hello, Ben!"), bidi.awaitMessages());
  }

  public static HelloRequest request(String name) {
    return HelloRequest.newBuilder().setName(name).build();
  }
}
