package dev.grpcedge.tls;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;

/**
 * A server {@link SslContext} whose every new engine comes from the context most recently {@link #swap swapped}
 * in. A whole new BoringSSL context per rotation (rather than a key manager that changes underneath one) avoids
 * Netty's key-material cache keyed by alias and keeps the client-CA list it sends in step with the trust bundle.
 * Established connections keep the engine, and so the context, they were made with.
 */
public final class ReloadingSslContext extends SslContext {
  private volatile SslContext current;

  public ReloadingSslContext(SslContext initial) {
    requireNonNull(initial, "initial");
    if (!initial.isServer()) {
      throw new IllegalArgumentException("a server context is required");
    }
    this.current = initial;
  }

  /** New handshakes use {@code next} from now on. It must be a server context with the same ALPN protocols. */
  public void swap(SslContext next) {
    if (!next.isServer() || !next.nextProtocols().equals(current.nextProtocols())) {
      throw new IllegalArgumentException("the new context must be a server context with ALPN " + current.nextProtocols());
    }
    current = next;
  }

  public SslContext current() {
    return current;
  }

  @Override
  public boolean isClient() {
    return false;
  }

  @Override
  public List<String> cipherSuites() {
    return current.cipherSuites();
  }

  @Override
  public long sessionCacheSize() {
    return current.sessionCacheSize();
  }

  @Override
  public long sessionTimeout() {
    return current.sessionTimeout();
  }

  @Override
  public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
    return current.applicationProtocolNegotiator();
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc) {
    return current.newEngine(alloc);
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
    return current.newEngine(alloc, peerHost, peerPort);
  }

  @Override
  public SSLSessionContext sessionContext() {
    return current.sessionContext();
  }
}
