package dev.grpcedge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used by a server process on this machine, from {@code /proc/PID/stat}. Work per server CPU-second
 * stays meaningful when other processes share the cores or when the load generator, not the server, is the
 * bottleneck (as with TLS handshakes, where the client does more crypto than the server).
 */
public final class ServerCpu {
  /** Linux's USER_HZ on every mainstream architecture. */
  private static final double TICKS_PER_SECOND = 100;

  private final Path stat;

  public ServerCpu(long pid) {
    this.stat = Path.of("/proc", Long.toString(pid), "stat");
  }

  /** User plus system CPU seconds used so far, or NaN when the process cannot be read. */
  public double seconds() {
    try {
      String line = Files.readString(stat);
      // Fields after the command name, which is in parentheses and may hold spaces: state is field 3,
      // utime and stime are fields 14 and 15.
      String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
