package dev.grpcedge.observe;

import io.grpc.Status;

/** A reader of each call's outcome, beside the access line: the same record, read once when the call ends. */
public interface CallOutcomes {
  /** Reads nothing. */
  CallOutcomes NONE = (status, authenticated, via) -> {};

  /**
   * @param status how the call ended
   * @param authenticated whether a verified principal made it
   * @param via how a bridged call came in ({@link AccessLogInterceptor#VIA}), or null for native gRPC
   */
  void ended(Status status, boolean authenticated, String via);
}
