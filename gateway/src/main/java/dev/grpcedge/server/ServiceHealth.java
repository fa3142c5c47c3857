package dev.grpcedge.server;

import dev.grpcedge.route.Upstream;
import io.grpc.ConnectivityState;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.util.List;
import java.util.Map;

/**
 * {@code grpc.health.v1} per service, beside the gateway's own (service {@code ""}): a built-in service is SERVING
 * while the gateway serves; a routed one follows its upstream, SERVING while some backend takes calls (its channel
 * is READY) and NOT_SERVING when none can. Draining turns them all NOT_SERVING
 * ({@link HealthStatusManager#enterTerminalState()}).
 */
final class ServiceHealth {
  private ServiceHealth() {}

  static void start(HealthStatusManager health, List<ServerServiceDefinition> builtIn, Map<String, Upstream> routed) {
    for (ServerServiceDefinition service : builtIn) {
      health.setStatus(service.getServiceDescriptor().getName(), ServingStatus.SERVING);
    }
    routed.forEach((service, upstream) -> {
      health.setStatus(service, ServingStatus.NOT_SERVING);
      upstream.watch(state -> {
        if (state == ConnectivityState.READY) {
          health.setStatus(service, ServingStatus.SERVING);
        } else if (state == ConnectivityState.TRANSIENT_FAILURE || state == ConnectivityState.SHUTDOWN) {
          health.setStatus(service, ServingStatus.NOT_SERVING);
        }
        // IDLE and CONNECTING say nothing new: the status stays until the channel knows.
      });
    });
  }
}
