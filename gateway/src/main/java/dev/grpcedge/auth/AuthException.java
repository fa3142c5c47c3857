package dev.grpcedge.auth;

import io.grpc.Status;

/**
 * A call refused by authentication, with the {@link Status} to close it with. The description is short and
 * general and never holds the token or any part of it.
 */
public final class AuthException extends Exception {
  private static final long serialVersionUID = 1L;

  private final Status status;

  public AuthException(Status status) {
    this(status, null);
  }

  public AuthException(Status status, Throwable cause) {
    // No stack trace: rejections are routine (and cheap to provoke), and the status already says what failed.
    super(status.getCode() + ": " + status.getDescription(), cause, false, false);
    this.status = status;
  }

  /** An UNAUTHENTICATED rejection with {@code reason} as the description. */
  static AuthException unauthenticated(String reason) {
    return new AuthException(Status.UNAUTHENTICATED.withDescription(reason));
  }

  /** An UNAUTHENTICATED rejection whose detail stays in {@code cause}, for the log. */
  static AuthException unauthenticated(String reason, Throwable cause) {
    return new AuthException(Status.UNAUTHENTICATED.withDescription(reason), cause);
  }

  /** The status to close the call with. */
  public Status status() {
    return status;
  }
}
