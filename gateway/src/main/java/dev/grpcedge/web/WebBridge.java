package dev.grpcedge.web;

import dev.grpcedge.config.WebConfig;
import dev.grpcedge.observe.AccessLogInterceptor;
import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ServerTransportFilter;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

/**
 * What every web request shares: the in-process channel to the bridge's server (the gateway's services behind the
 * gateway's one interceptor chain), the caller registry, CORS, and the limits. A browser connection's attributes are
 * made once, by the gateway's own transport filters, as the native listener's are.
 */
public final class WebBridge implements AutoCloseable {
  private static final AttributeKey<Attributes> CONNECTION = AttributeKey.valueOf("grpc-edge.web-connection");

  private final ManagedChannel channel;
  private final BridgedCallers callers;
  private final List<ServerTransportFilter> transportFilters;
  private final Cors cors;
  private final long maxTimeoutNanos;
  private final int maxMessageBytes;
  private final JsonCodec json;
  private final Map<String, Supplier<String>> documents;

  /**
   * @param channel to the in-process server that has {@code callers} outermost
   * @param transportFilters the native listener's filters, run on each browser connection's attributes
   * @param documents JSON documents served to any GET of their path (the identity JWKS), without CORS or a token
   */
  public WebBridge(ManagedChannel channel, BridgedCallers callers, List<ServerTransportFilter> transportFilters,
      WebConfig config, int maxMessageBytes, List<io.grpc.ServerServiceDefinition> services,
      Map<String, Supplier<String>> documents) {
    this.documents = Map.copyOf(documents);
    this.json = new JsonCodec(services);
    this.channel = channel;
    this.callers = callers;
    this.transportFilters = List.copyOf(transportFilters);
    this.cors = new Cors(config.allowedOrigins(), config.corsMaxAge());
    this.maxTimeoutNanos = config.maxTimeout().toNanos();
    this.maxMessageBytes = maxMessageBytes;
  }

  ManagedChannel channel() {
    return channel;
  }

  BridgedCallers callers() {
    return callers;
  }

  Cors cors() {
    return cors;
  }

  /** The JSON document served at {@code path}, or null. */
  String document(String path) {
    Supplier<String> d = documents.get(path);
    return d == null ? null : d.get();
  }

  JsonCodec json() {
    return json;
  }

  int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** The browser's deadline, at most {@code web.max_timeout}; browsers are not trusted to set their own. */
  long deadlineNanos(long askedNanos) {
    return askedNanos <= 0 ? maxTimeoutNanos : Math.min(askedNanos, maxTimeoutNanos);
  }

  /** The caller of a request on {@code channel} (an HTTP/2 stream's parent is the connection). */
  Attributes caller(Channel channel, WebProtocol protocol, String origin) {
    // An HTTP/2 stream's parent is its connection; an HTTP/1.1 connection's parent is the listening socket.
    Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
    Attributes attributes = connection.attr(CONNECTION).get();
    if (attributes == null) {
      SslHandler tls = connection.pipeline().get(SslHandler.class);
      attributes = Attributes.newBuilder()
          .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, connection.remoteAddress())
          .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, connection.localAddress())
          .set(Grpc.TRANSPORT_ATTR_SSL_SESSION, tls == null ? null : tls.engine().getSession())
          .build();
      for (ServerTransportFilter filter : transportFilters) {
        attributes = filter.transportReady(attributes);
      }
      connection.attr(CONNECTION).set(attributes);
    }
    return attributes.toBuilder()
        .set(AccessLogInterceptor.VIA, protocol.logName + (origin == null ? "" : " origin=" + origin))
        .build();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
