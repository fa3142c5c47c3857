package dev.grpcedge.cli;

import com.google.auth.Credentials;
import dev.grpcedge.client.BearerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code grpc-edge health}: asks {@code grpc.health.v1.Health/Check}; exits 0 only when the answer is SERVING. */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = {"Check a gateway's health (grpc.health.v1.Health/Check) over TLS and print the status.",
        "Exit status: 0 SERVING; 1 any other status, or the check failed; 2 a usage error. For scripts and probes."})
public final class HealthCommand implements Callable<Integer> {
  @Option(names = "--service", defaultValue = "", description = "Service to ask about (default: the gateway as a whole).")
  String service;

  @Mixin
  TargetOptions server;

  @Mixin
  CredentialOptions credentials;

  @Option(names = "--deadline", defaultValue = "5s", description = "Deadline for the check (default: ${DEFAULT-VALUE}).")
  Duration deadline;

  @Override
  public Integer call() throws InterruptedException {
    Path trusted = server.trusted();
    String to;
    ManagedChannel channel;
    HealthGrpc.HealthBlockingStub stub;
    try {
      to = server.target();
      Credentials source = credentials.credentials();
      channel = server.channel(to).build();
      stub = HealthGrpc.newBlockingStub(channel);
      if (source != null) {
        stub = stub.withCallCredentials(BearerCredentials.from(source));
      }
    } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
      System.err.println("grpc-edge health: " + e.getMessage());
      return 2;
    }
    try {
      HealthCheckResponse response = stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.newBuilder().setService(service).build());
      System.out.println(response.getStatus());
      return response.getStatus() == ServingStatus.SERVING ? 0 : 1;
    } catch (StatusRuntimeException e) {
      System.err.println("grpc-edge health: " + (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND
          ? "NOT_FOUND: the gateway reports no health for service '" + service + "'"
          : CallFailures.describe(e, to, trusted, deadline)));
      return 1;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
