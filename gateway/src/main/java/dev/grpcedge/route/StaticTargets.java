package dev.grpcedge.route;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;

/**
 * A fixed list of {@code host:port} backends as one channel target, so that grpc-java's own balancer spreads calls
 * over them. Each host is looked up when the channel (re)resolves, as DNS would be.
 */
final class StaticTargets extends NameResolverProvider {
  static final String SCHEME = "grpc-edge-static";

  private final List<InetSocketAddress> backends;

  StaticTargets(List<InetSocketAddress> backends) {
    this.backends = List.copyOf(backends);
  }

  @Override
  public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
    if (!SCHEME.equals(targetUri.getScheme())) {
      return null;
    }
    return new NameResolver() {
      private Listener2 listener;

      @Override
      public String getServiceAuthority() {
        return targetUri.getAuthority() == null ? "upstream" : targetUri.getAuthority();
      }

      @Override
      public void start(Listener2 listener) {
        this.listener = listener;
        resolve();
      }

      @Override
      public void refresh() {
        resolve();
      }

      private void resolve() {
        List<EquivalentAddressGroup> groups = backends.stream().map(b -> {
          SocketAddress resolved = b.isUnresolved() ? new InetSocketAddress(b.getHostString(), b.getPort()) : b;
          return new EquivalentAddressGroup(resolved);
        }).toList();
        listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).setAttributes(Attributes.EMPTY)
            .build());
      }

      @Override
      public void shutdown() {}
    };
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }
}
