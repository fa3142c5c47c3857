package dev.grpcedge.bench;

import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** One kind of operation a load shape can issue: a unary call, or one message round trip on a stream. */
public interface Workload extends AutoCloseable {
  /** Starts one operation without blocking; {@code done} gets its status code exactly once, from any thread. */
  void issue(Consumer<Status.Code> done);

  /**
   * Starts one operation that was due at {@code dueNanos} ({@link System#nanoTime()}), the start an open loop
   * intended: by default the same as {@link #issue(Consumer)}, for workloads that do not record latency themselves.
   */
  default void issue(long dueNanos, Consumer<Status.Code> done) {
    issue(done);
  }

  /** Where to call {@link #issue} from when the caller may choose: by default, the calling thread. */
  default Executor issuer() {
    return Runnable::run;
  }

  /** Ends open streams and closes the channels. */
  @Override
  void close();
}
