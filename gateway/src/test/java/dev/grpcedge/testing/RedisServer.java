package dev.grpcedge.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code redis-server} on a loopback port, without persistence, that a test can stop and start again on
 * the same port (an outage). Tests call {@link #requireInstalled()} first: skipped on a developer machine without
 * it, failed in CI, where {@code .ci/run} installs it.
 */
public final class RedisServer implements AutoCloseable {
  private static final String BINARY = "/usr/bin/redis-server";

  private final int port;
  private final Path log;
  private Process process;

  private RedisServer(int port, Path log) {
    this.port = port;
    this.log = log;
  }

  public static void requireInstalled() {
    Subprocess.requireTool(Files.isExecutable(Path.of(BINARY)), "redis-server is not installed (apt-get install"
        + " redis-server)");
  }

  /** Starts one on a free loopback port, logging into {@code dir}. */
  public static RedisServer start(Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RedisServer redis = new RedisServer(port, dir.resolve("redis-" + port + ".log"));
    redis.start();
    return redis;
  }

  public int port() {
    return port;
  }

  /** Starts it (again) on its port, and waits until it accepts connections. */
  public synchronized void start() throws Exception {
    process = new ProcessBuilder(List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--protected-mode", "yes"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > until) {
          throw new AssertionError("redis-server did not start: " + Files.readString(log));
        }
        Thread.sleep(20);
      }
    }
  }

  /** Stops it, as an outage would. */
  public synchronized void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      process = null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
