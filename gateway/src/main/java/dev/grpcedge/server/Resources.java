package dev.grpcedge.server;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway has opened, in the order it opened it, closed in reverse: a failure half-way through start-up
 * closes exactly what was made before it, and shutdown closes everything, each once (grpc-java's
 * {@code GrpcCleanupRule} does the same for tests).
 */
final class Resources implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Resources.class);

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** Registers {@code resource}, closed by {@code closer}; returns the resource. */
  synchronized <T> T add(T resource, AutoCloseable closer) {
    opened.push(closer);
    return resource;
  }

  /** Closes everything registered, last first; a failure to close one does not keep the others open. */
  @Override
  public void close() {
    while (true) {
      AutoCloseable next;
      synchronized (this) {
        next = opened.poll();
      }
      if (next == null) {
        return;
      }
      try {
        next.close();
      } catch (Exception e) {
        log.warn("closing a resource failed: {}", e.toString());
      }
    }
  }
}
