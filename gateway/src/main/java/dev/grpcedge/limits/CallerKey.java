package dev.grpcedge.limits;

import dev.grpcedge.auth.AuthContext;
import dev.grpcedge.auth.Principal;
import dev.grpcedge.tls.PeerCertificates;
import io.grpc.Grpc;
import io.grpc.ServerCall;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who a call's limits are counted against: the token's issuer and subject; without a token, the verified client
 * certificate's subject; without either, the client's IP address. Read from the call's attributes, which the web
 * bridge fills with the browser's, so a bridged call counts against the browser, not the bridge.
 */
final class CallerKey {
  private CallerKey() {}

  static String of(ServerCall<?, ?> call) {
    Principal principal = AuthContext.current();
    if (principal != null) {
      return "sub:" + principal.issuer() + " " + principal.subject();
    }
    var certificate = PeerCertificates.of(call);
    if (certificate.isPresent()) {
      return "cert:" + certificate.get().subject();
    }
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    return "ip:" + (remote instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress().getHostAddress()
        : "unknown");
  }
}
