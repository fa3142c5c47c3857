package dev.grpcedge.bench;

import io.grpc.Status;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.function.Consumer;

/**
 * New TLS connections as a workload: each operation connects, completes a handshake and closes. With session
 * resumption on, the client offers the session (or ticket) it got from the previous handshake with this server.
 */
public final class HandshakeLoad implements Workload {
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final String host;
  private final int port;

  public HandshakeLoad(String host, int port, SslContext clientContext, boolean resume, int threads) {
    this.host = host;
    this.port = port;
    this.group = new NioEventLoopGroup(threads);
    this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            // With the peer's host and port the client context keeps sessions and offers them again.
            SslHandler ssl = resume ? clientContext.newHandler(ch.alloc(), host, port)
                : clientContext.newHandler(ch.alloc());
            ch.pipeline().addLast(ssl);
          }
        });
  }

  @Override
  public void issue(Consumer<Status.Code> done) {
    ChannelFuture connect = bootstrap.connect(host, port);
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        done.accept(Status.Code.UNAVAILABLE);
        return;
      }
      Channel ch = connect.channel();
      ch.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
        ch.close();
        done.accept(h.isSuccess() ? Status.Code.OK : Status.Code.UNAVAILABLE);
      });
    });
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
