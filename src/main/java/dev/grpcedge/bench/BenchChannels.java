package dev.grpcedge.bench;

import dev.grpcedge.tls.TlsContexts;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's TLS connections, each with its own bearer token (round robin over the tokens given), so
 * a server that caches validated tokens sees one token per client, as in production. They share one event loop
 * per available processor (one when the generator is pinned to a core), which also issues open-loop calls.
 */
public final class BenchChannels implements AutoCloseable {
  private final EventLoopGroup group;
  private final List<ManagedChannel> channels;
  private final List<CallCredentials> credentials;

  private BenchChannels(EventLoopGroup group, List<ManagedChannel> channels, List<CallCredentials> credentials) {
    this.group = group;
    this.channels = channels;
    this.credentials = credentials;
  }

  /** Opens {@code connections} channels to {@code target}; an empty token list sends no credentials. */
  public static BenchChannels open(String target, Path caFile, int connections, List<String> tokens) {
    var sslContext = TlsContexts.client(caFile == null ? null : caFile.toFile());
    // More event loops than cores would only add thread switches to a generator that must not be the bottleneck.
    EventLoopGroup group = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
    List<ManagedChannel> channels = new ArrayList<>();
    List<CallCredentials> credentials = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      channels.add(NettyChannelBuilder.forTarget(target)
          .sslContext(sslContext)
          .eventLoopGroup(group)
          .channelType(NioSocketChannel.class)
          // Callbacks only record and issue the next call: running them on the event loop saves a thread hop.
          .directExecutor()
          .build());
      credentials.add(tokens.isEmpty() ? null : new FixedBearerCredentials(tokens.get(i % tokens.size())));
    }
    return new BenchChannels(group, List.copyOf(channels), java.util.Collections.unmodifiableList(credentials));
  }

  /** An event loop of these connections: calls started on it need no thread hand-off to be written. */
  public Executor loop() {
    return group.next();
  }

  public int size() {
    return channels.size();
  }

  public ManagedChannel channel(int i) {
    return channels.get(i);
  }

  /** The credentials for channel {@code i}, or null when no token was given. */
  public CallCredentials credentials(int i) {
    return credentials.get(i);
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdown);
    for (ManagedChannel channel : channels) {
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.shutdownNow();
      }
    }
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
  }
}
