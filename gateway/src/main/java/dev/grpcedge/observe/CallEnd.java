package dev.grpcedge.observe;

import io.grpc.Deadline;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;

/**
 * Tells a call that ran out of time from one its caller abandoned, for the access line. Both reach the server as
 * the same RST_STREAM(CANCEL): a client ends the stream when its own deadline passes, and that deadline started
 * before the server's (which counts {@code grpc-timeout} from when the headers arrived), so the reset lands a
 * moment before the server's deadline does. A cancel that close to the deadline is the deadline.
 */
final class CallEnd {
  private static final Status DEADLINE = Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded");
  private static final Status CANCELLED = Status.CANCELLED.withDescription("cancelled by the caller");
  // The reset's head start is the request's one-way trip plus the client's own scheduling: a tenth of the
  // budget, within 5 ms and 500 ms, covers a loopback call of 20 ms and an internet call of seconds alike.
  private static final long MIN_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long MAX_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final CallEnd NO_DEADLINE = new CallEnd(null, 0);

  private final Deadline deadline;
  private final long slackNanos;

  private CallEnd(Deadline deadline, long slackNanos) {
    this.deadline = deadline;
    this.slackNanos = slackNanos;
  }

  /** For a call with {@code deadline} (null when it has none), as the call starts. */
  static CallEnd forDeadline(Deadline deadline) {
    if (deadline == null) {
      return NO_DEADLINE;
    }
    long budget = Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS));
    return new CallEnd(deadline, Math.min(MAX_SLACK_NANOS, Math.max(MIN_SLACK_NANOS, budget / 10)));
  }

  /** The status of a call that was cancelled now without the server closing it. */
  Status onCancel() {
    return deadline != null && deadline.timeRemaining(TimeUnit.NANOSECONDS) <= slackNanos ? DEADLINE : CANCELLED;
  }
}
