package dev.grpcedge.limits;

import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.RedisConfig;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Buckets in Redis, shared by every gateway that names the same server: Bucket4j's compare-and-swap proxy over
 * one Lettuce connection. Lettuce reconnects by itself; while it is disconnected, commands are refused at once
 * rather than queued, and each takes at most {@code limits.redis.timeout}, so a Redis outage turns into quick
 * failures that {@code limits.on_store_failure} decides, never into calls that hang.
 */
public final class RedisBuckets implements Buckets {
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final RedisClient client;
  private final ClientResources resources;
  private final RedisURI uri;
  private final String prefix;
  private final long timeoutNanos;
  private final Duration longestRefill;
  private final ScheduledExecutorService retries;
  private volatile StatefulRedisConnection<byte[], byte[]> connection;
  private volatile AsyncProxyManager<byte[]> proxies;
  private volatile boolean closed;
  private final Cache<String, AsyncBucketProxy> proxiesByKey = Caffeine.newBuilder()
      .expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();

  private RedisBuckets(RedisClient client, ClientResources resources, RedisURI uri, RedisConfig config,
      Duration longestRefill) {
    this.client = client;
    this.resources = resources;
    this.uri = uri;
    this.prefix = config.keyPrefix();
    this.timeoutNanos = config.timeout().toNanos();
    this.longestRefill = longestRefill;
    this.retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "grpc-edge-redis-connect");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Connects to the Redis of {@code config}. A password file that cannot be read stops start-up; a Redis that is
   * down does not: the gateway starts, {@code on_store_failure} applies, and the connection is retried every
   * second until it is made. After that, Lettuce reconnects by itself.
   */
  public static RedisBuckets connect(RedisConfig config, Duration longestRefill) {
    RedisURI.Builder uri = RedisURI.builder().withHost(config.address().host()).withPort(config.address().port())
        .withSsl(config.tls()).withTimeout(config.timeout());
    if (config.passwordFile() != null) {
      try {
        uri.withPassword(Files.readString(config.passwordFile(), StandardCharsets.UTF_8).strip().toCharArray());
      } catch (IOException e) {
        throw new ConfigException("limits.redis.password_file", "cannot read " + config.passwordFile() + ": "
            + e.getMessage());
      }
    }
    // Reconnects back off from 100 ms to at most 2 s (Lettuce's default reaches 30 s), so limits are shared again
    // within seconds of Redis coming back.
    ClientResources resources = DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .build();
    RedisClient client = RedisClient.create(resources);
    ClientOptions.Builder options = ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(config.timeout()));
    if (config.caFile() != null) {
      options.sslOptions(SslOptions.builder().trustManager(config.caFile().toFile()).build());
    }
    client.setOptions(options.build());
    RedisBuckets buckets = new RedisBuckets(client, resources, uri.build(), config, longestRefill);
    buckets.tryConnect();
    return buckets;
  }

  private void tryConnect() {
    if (closed) {
      return;
    }
    try {
      StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE, uri);
      connection = c;
      proxies = Bucket4jLettuce.casBasedBuilder(c)
          .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
              longestRefill.plusSeconds(1)))
          .build().asAsync();
    } catch (RuntimeException e) {
      if (!closed) {
        retries.schedule(this::tryConnect, RETRY.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  @Override
  public CompletableFuture<ConsumptionProbe> consume(String key, BucketConfiguration config, long tokens) {
    AsyncProxyManager<byte[]> p = proxies;
    if (p == null) {
      return CompletableFuture.failedFuture(new IOException("not connected to Redis yet"));
    }
    // One proxy per bucket, kept, so that Bucket4j's batching can merge the concurrent requests of one caller into
    // one round trip to Redis (with 64 calls in flight per caller, one each took 25 times as long).
    AsyncBucketProxy bucket = proxiesByKey.get(key, k -> p.builder()
        .withOptimization(Optimizations.batching())
        .build((prefix + k).getBytes(StandardCharsets.UTF_8), () -> CompletableFuture.completedFuture(config)));
    return bucket.tryConsumeAndReturnRemaining(tokens).orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public boolean remote() {
    return true;
  }

  @Override
  public void close() {
    closed = true;
    retries.shutdownNow();
    StatefulRedisConnection<byte[], byte[]> c = connection;
    if (c != null) {
      c.close();
    }
    client.shutdown(0, 1, TimeUnit.SECONDS);
    resources.shutdown(0, 1, TimeUnit.SECONDS);
  }
}
