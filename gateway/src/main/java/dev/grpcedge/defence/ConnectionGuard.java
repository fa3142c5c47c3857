package dev.grpcedge.defence;

import dev.grpcedge.config.ConnectionLimits;
import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the connections the gateway holds, per client IP and in all, across its listeners, and closes a new one
 * over either limit as soon as it is accepted: before TLS, so a refused client costs no handshake.
 */
public final class ConnectionGuard {
  private final int perIp;
  private final int total;
  private final ConcurrentHashMap<InetAddress, Integer> byAddress = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final DefenceLog log;

  public ConnectionGuard(ConnectionLimits limits, DefenceLog log) {
    this.perIp = limits.perIp() == 0 ? Integer.MAX_VALUE : limits.perIp();
    this.total = limits.total() == 0 ? Integer.MAX_VALUE : limits.total();
    this.log = log;
  }

  /**
   * Admits {@code channel}, just accepted, or closes it; returns true when admitted. An admitted channel is counted
   * until it closes.
   */
  public boolean admit(Channel channel) {
    InetAddress address = channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    if (open.incrementAndGet() > total) {
      open.decrementAndGet();
      refuse(channel, "the gateway holds " + total + " connections (limits.connections.total)");
      return false;
    }
    if (address != null && !take(address)) {
      open.decrementAndGet();
      refuse(channel, "its address holds " + perIp + " connections (limits.connections.per_ip)");
      return false;
    }
    channel.closeFuture().addListener(f -> {
      open.decrementAndGet();
      if (address != null) {
        byAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
      }
    });
    return true;
  }

  /** Counts one more connection from {@code address} unless it holds {@code perIp} already; atomic per address. */
  private boolean take(InetAddress address) {
    boolean[] taken = new boolean[1];
    byAddress.compute(address, (k, n) -> {
      int held = n == null ? 0 : n;
      taken[0] = held < perIp;
      return taken[0] ? held + 1 : n;
    });
    return taken[0];
  }

  private void refuse(Channel channel, String why) {
    refused.incrementAndGet();
    log.refused(channel.remoteAddress(), why);
    channel.close();
  }

  /** Connections held now. */
  public int open() {
    return open.get();
  }

  /** Connections refused since start. */
  public long refused() {
    return refused.get();
  }
}
