package dev.grpcedge.client;

import com.google.auth.Retryable;
import java.io.IOException;

/**
 * The token endpoint could not be reached or answered with a server error. Marked {@link Retryable}, which is
 * what makes grpc-auth fail the call with {@code UNAVAILABLE} (the caller should retry) and not
 * {@code UNAUTHENTICATED}.
 */
public final class TokenEndpointUnavailableException extends IOException implements Retryable {
  TokenEndpointUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }

  @Override
  public int getRetryCount() {
    return 0;
  }
}
