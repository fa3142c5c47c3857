package dev.grpcedge.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many idle TLS + HTTP/2 connections held open, as a crowd of quiet clients would: each completes the TLS
 * handshake and the HTTP/2 preface and SETTINGS exchange, then sends nothing. Used to measure what one idle
 * connection costs the server.
 */
public final class IdleConnections implements AutoCloseable {
  private static final int OPENING_AT_ONCE = 64;

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final ConcurrentLinkedQueue<Channel> open = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger closedByPeer = new AtomicInteger();

  /** Opens {@code count} connections, at most {@value #OPENING_AT_ONCE} handshakes at a time. */
  public void open(String host, int port, SslContext clientContext, int count) throws InterruptedException {
    Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(clientContext.newHandler(ch.alloc(), host, port));
            ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
          }
        });
    Semaphore opening = new Semaphore(OPENING_AT_ONCE);
    CountDownLatch all = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      opening.acquire();
      bootstrap.connect(host, port).addListener(f -> {
        if (!f.isSuccess()) {
          failed.incrementAndGet();
          opening.release();
          all.countDown();
          return;
        }
        Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
        ch.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
          if (h.isSuccess()) {
            open.add(ch);
            ch.closeFuture().addListener(c -> closedByPeer.incrementAndGet());
          } else {
            failed.incrementAndGet();
            ch.close();
          }
          opening.release();
          all.countDown();
        });
      });
    }
    all.await(5, TimeUnit.MINUTES);
  }

  /** Connections that completed their handshake and are still open. */
  public int held() {
    return open.size() - closedByPeer.get();
  }

  public int failed() {
    return failed.get();
  }

  public int closedByPeer() {
    return closedByPeer.get();
  }

  @Override
  public void close() {
    List.copyOf(open).forEach(Channel::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
