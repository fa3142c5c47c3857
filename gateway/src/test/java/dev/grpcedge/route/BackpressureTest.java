package dev.grpcedge.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.testing.TestGateway;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flow control end to end: a 1 GiB server stream to a caller that stops reading. The upstream can only get as far
 * ahead of the caller as the HTTP/2 windows on both hops allow; the gateway buffers nothing of its own.
 */
class BackpressureTest {
  private static final int MESSAGE = 1 << 20;
  private static final long TOTAL = 1L << 30;
  /** Windows and socket buffers on two hops: a few MiB. Buffering in the gateway would be the whole stream. */
  private static final long MOST_IN_FLIGHT = 16L << 20;
  private static final MethodDescriptor<byte[], byte[]> DOWNLOAD = Bytes.method("test.Bulk/Download").toBuilder()
      .setType(MethodDescriptor.MethodType.SERVER_STREAMING).build();

  @TempDir Path dir;

  private final AtomicLong sent = new AtomicLong();
  private Server upstream;

  @BeforeEach
  void startUpstream() throws Exception {
    // Sends 1 MiB messages as fast as flow control lets it (isReady / onReady), 1 GiB in all.
    ServerCallHandler<byte[], byte[]> download = new ServerCallHandler<>() {
      @Override
      public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
        byte[] chunk = new byte[MESSAGE];
        call.sendHeaders(new Metadata());
        call.request(1);
        return new ServerCall.Listener<>() {
          private boolean closed;

          @Override
          public void onReady() {
            while (call.isReady() && !closed) {
              if (sent.get() >= TOTAL) {
                closed = true;
                call.close(Status.OK, new Metadata());
                return;
              }
              call.sendMessage(chunk);
              sent.addAndGet(MESSAGE);
            }
          }
        };
      }
    };
    upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerServiceDefinition.builder("test.Bulk")
            .addMethod(ServerMethodDefinition.create(DOWNLOAD, download)).build())
        .build().start();
  }

  @AfterEach
  void stop() {
    upstream.shutdownNow();
  }

  @Test
  void aCallerThatStopsReadingHoldsTheUpstreamBackAndTheWholeGibibyteArrives() throws Exception {
    int port = ((InetSocketAddress) upstream.getListenSockets().get(0)).getPort();
    try (TestGateway gateway = TestGateway.in(dir).rules("""
            - methods: ["test.Bulk/*"]
              scopes: [download]
        """).routing("""
        upstreams:
          bulk: {targets: ["127.0.0.1:%d"], plaintext: true, health_check: false, max_message_size: 2MiB}
        routes:
          - {methods: ["test.Bulk/*"], upstream: bulk}
        """.formatted(port)).start()) {
      AtomicLong received = new AtomicLong();
      AtomicLong mostAhead = new AtomicLong();
      java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean();
      CompletableFuture<Status> done = new CompletableFuture<>();
      var holder = new java.util.concurrent.atomic.AtomicReference<ClientCall<byte[], byte[]>>();
      ClientCall<byte[], byte[]> call = gateway.channel().newCall(DOWNLOAD, CallOptions.DEFAULT
          .withCallCredentials(BearerCredentials.of(gateway.token("download")))
          .withDeadlineAfter(120, TimeUnit.SECONDS));
      holder.set(call);
      call.start(new ClientCall.Listener<>() {

        @Override
        public void onMessage(byte[] message) {
          long r = received.addAndGet(message.length);
          mostAhead.accumulateAndGet(sent.get() - r, Math::max);
          if (reading.get()) {
            holder.get().request(1);
          }
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          done.complete(status);
        }
      }, new Metadata());
      call.sendMessage(new byte[0]);
      call.halfClose();

      // Read 8 messages, then nothing for a second: the upstream stops once the windows are full.
      call.request(8);
      Thread.sleep(1000);
      long aheadWhileStopped = sent.get() - received.get();
      assertTrue(aheadWhileStopped <= MOST_IN_FLIGHT, "upstream got " + (aheadWhileStopped >> 20) + " MiB ahead");
      long sentWhileStopped = sent.get();
      Thread.sleep(500);
      assertEquals(sentWhileStopped, sent.get(), "the upstream kept sending to a caller that reads nothing");

      System.out.printf("upstream ahead while the caller read nothing: %d MiB%n", aheadWhileStopped >> 20);
      // Then read everything, the next message asked for as each arrives, checking how far ahead the upstream gets.
      reading.set(true);
      call.request(1);
      Status status = done.get(120, TimeUnit.SECONDS);
      assertEquals(Status.Code.OK, status.getCode(), status.toString());
      assertEquals(TOTAL, received.get());
      assertTrue(mostAhead.get() <= MOST_IN_FLIGHT, "upstream got " + (mostAhead.get() >> 20) + " MiB ahead");
      System.out.printf("upstream at most ahead over 1 GiB: %d MiB%n", mostAhead.get() >> 20);
    }
  }
}
