package dev.grpcedge.web;

import dev.grpcedge.config.LimitsConfig;
import dev.grpcedge.config.ListenAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import dev.grpcedge.config.Http2Limits;
import dev.grpcedge.defence.ConnectionGuard;
import dev.grpcedge.defence.DefenceLog;
import dev.grpcedge.defence.Http2FrameGuard;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The web listener: TLS with the gRPC listener's certificate (and its hot reload), then HTTP/2 or HTTP/1.1 as ALPN
 * chose, each request aggregated (a browser's request body is whole) and handed to a {@link WebCallHandler}.
 */
public final class WebListener implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel server;

  private WebListener(EventLoopGroup boss, EventLoopGroup workers, Channel server) {
    this.boss = boss;
    this.workers = workers;
    this.server = server;
  }

  /** Binds {@code listen}; an address in use is an {@link IOException} saying so. */
  public static WebListener start(ListenAddress listen, SslContext tls, WebBridge bridge, LimitsConfig limits,
      ConnectionGuard connections, DefenceLog defenceLog) throws IOException {
    EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("grpc-edge-web-accept", true));
    EventLoopGroup workers = new NioEventLoopGroup(0, new DefaultThreadFactory("grpc-edge-web", true));
    try {
      Channel server = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (!connections.admit(ch)) {
                return;
              }
              addTls(ch.pipeline(), tls, ch, limits);
              addFlushConsolidation(ch.pipeline());
              addProtocolSwitch(ch.pipeline(), bridge, limits, defenceLog);
            }
          })
          .bind(listen.toSocketAddress()).syncUninterruptibly().channel();
      return new WebListener(boss, workers, server);
    } catch (RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      if (e.getCause() instanceof BindException || e instanceof io.netty.channel.ChannelException) {
        throw new IOException("cannot bind " + listen, e);
      }
      throw e;
    }
  }

  /** BoringSSL with the reloading context; a connection that does not finish its handshake in time is closed. */
  private static void addTls(ChannelPipeline p, SslContext tls, SocketChannel ch, LimitsConfig limits) {
    SslHandler handler = tls.newHandler(ch.alloc());
    handler.setHandshakeTimeoutMillis(limits.handshakeTimeout().toMillis());
    p.addLast("tls", handler);
  }

  /**
   * One flush per read, not per write: a unary answer (headers, message, trailers) is written while its request is
   * read, and without this it went out in two TLS records and two system calls.
   */
  private static void addFlushConsolidation(ChannelPipeline p) {
    p.addLast("flushes", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES,
        true));
  }

  /** ALPN: h2 gets an HTTP/2 codec with a child channel per stream; anything else HTTP/1.1. */
  private static void addProtocolSwitch(ChannelPipeline p, WebBridge bridge, LimitsConfig limits,
      DefenceLog defenceLog) {
    int maxBody = bridge.maxMessageBytes() / 3 * 4 + 1024;
    p.addLast("alpn", new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
      @Override
      protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
          // The same HTTP/2 defences as the gRPC listener's: Netty's own where it has them, the guard for the rest
          // and for the connection's summary line.
          Http2Limits h2 = limits.http2();
          int windowSeconds = (int) Math.max(1, h2.window().toSeconds());
          Http2FrameCodecBuilder codec = Http2FrameCodecBuilder.forServer()
              .initialSettings(Http2Settings.defaultSettings()
                  .maxConcurrentStreams(limits.maxConcurrentStreams())
                  .maxHeaderListSize(limits.maxMetadataBytes()))
              .decoderEnforceMaxRstFramesPerWindow(h2.maxResets(), windowSeconds)
              .encoderEnforceMaxRstFramesPerWindow(h2.maxResets(), windowSeconds)
              .decoderEnforceMaxConsecutiveEmptyDataFrames(h2.maxEmptyDataFrames());
          ctx.pipeline().addLast("guard", new Http2FrameGuard(h2, defenceLog));
          ctx.pipeline().addLast("h2", codec.build());
          ctx.pipeline().addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
              stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                  new HttpObjectAggregator(maxBody), new WebCallHandler(bridge, false));
            }
          }));
        } else {
          ctx.pipeline().addLast("http1", new HttpServerCodec(4096, limits.maxMetadataBytes(), 8192))
              .addLast("keep-alive", new HttpServerKeepAliveHandler())
              .addLast("aggregate", new HttpObjectAggregator(maxBody))
              .addLast("calls", new WebCallHandler(bridge, true));
        }
      }
    });
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Takes no new connection; those open go on (for draining: their calls in flight finish). */
  public void stopAccepting() {
    if (server.isOpen()) {
      server.close().syncUninterruptibly();
    }
  }

  /** Closes every connection and the event loops. */
  @Override
  public void close() {
    if (boss.isShuttingDown()) {
      return;
    }
    stopAccepting();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
