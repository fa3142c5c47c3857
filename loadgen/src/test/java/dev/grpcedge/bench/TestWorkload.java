package dev.grpcedge.bench;

import io.grpc.Status;
import java.util.function.Consumer;

/** A workload whose operations do whatever {@code start} does with their completion callback. */
record TestWorkload(Consumer<Consumer<Status.Code>> start) implements Workload {
  @Override
  public void issue(Consumer<Status.Code> done) {
    start.accept(done);
  }

  @Override
  public void close() {}
}
