package dev.grpcedge.bench;

import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** One kind of operation a load shape can issue: a unary call, or one message round trip on a stream. */
public interface Workload extends AutoCloseable {
  /** Starts one operation without blocking; {@code done} gets its status code exactly once, from any thread. */
  void issue(Consumer<Status.Code> done);

  /** Where to call {@link #issue} from when the caller may choose: by default, the calling thread. */
  default Executor issuer() {
    return Runnable::run;
  }

  /** Ends open streams and closes the channels. */
  @Override
  void close();
}
