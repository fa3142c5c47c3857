package dev.grpcedge.defence;

import dev.grpcedge.config.LimitsConfig;
import io.grpc.ServerCredentials;
import io.grpc.internal.ObjectPool;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import java.util.concurrent.Executor;

/**
 * grpc-java's server TLS with the edge's guards around it, as {@link ServerCredentials} for
 * {@code NettyServerBuilder.forAddress}: each accepted connection is first admitted by the {@link ConnectionGuard}
 * (or closed before TLS), and once grpc-java has put its TLS handler in place, an {@link Http2FrameGuard} goes
 * between TLS and grpc-java's HTTP/2 handler. grpc-java has no public hook for either; its internal negotiator
 * API ({@code InternalProtocolNegotiator}) is the one its own xDS and ALTS transports use.
 */
public final class GuardedTls {
  private GuardedTls() {}

  /** Credentials serving {@code sslContext} behind {@code connections} and the HTTP/2 defences of {@code limits}. */
  public static ServerCredentials credentials(SslContext sslContext, ConnectionGuard connections, LimitsConfig limits,
      DefenceLog log) {
    InternalProtocolNegotiator.ProtocolNegotiator tls = InternalProtocolNegotiators.serverTls(sslContext);
    return InternalNettyServerCredentials.create(new InternalProtocolNegotiator.ServerFactory() {
      @Override
      public InternalProtocolNegotiator.ProtocolNegotiator newNegotiator(ObjectPool<? extends Executor> offload) {
        return new Negotiator(tls, connections, limits, log);
      }
    });
  }

  private record Negotiator(InternalProtocolNegotiator.ProtocolNegotiator tls, ConnectionGuard connections,
      LimitsConfig limits, DefenceLog log) implements InternalProtocolNegotiator.ProtocolNegotiator {
    @Override
    public AsciiString scheme() {
      return tls.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
      return new Admission(tls.newHandler(grpcHandler), this);
    }

    @Override
    public void close() {
      tls.close();
    }
  }

  /** First in a new connection's pipeline: admits it, installs grpc-java's TLS handler, then the frame guard. */
  private static final class Admission extends ChannelInboundHandlerAdapter {
    private final ChannelHandler tls;
    private final Negotiator negotiator;
    private boolean placed;

    Admission(ChannelHandler tls, Negotiator negotiator) {
      this.tls = tls;
      this.negotiator = negotiator;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (!negotiator.connections().admit(ctx.channel())) {
        return;
      }
      ctx.pipeline().addAfter(ctx.name(), null, tls);
      placeGuard(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      // grpc-java's TLS handler adds its SslHandler once the channel is active, if it was not yet.
      super.channelActive(ctx);
      placeGuard(ctx);
    }

    private void placeGuard(ChannelHandlerContext ctx) {
      ChannelHandlerContext ssl = ctx.pipeline().context(SslHandler.class);
      if (placed || ssl == null) {
        return;
      }
      placed = true;
      ctx.pipeline().addAfter(ssl.name(), "grpc-edge-http2-guard",
          new Http2FrameGuard(negotiator.limits().http2(), negotiator.log()));
      ctx.pipeline().remove(this);
    }
  }
}
