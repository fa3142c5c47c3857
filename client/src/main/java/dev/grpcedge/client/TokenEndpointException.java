package dev.grpcedge.client;

/**
 * The token endpoint refused the client (a 4xx answer such as {@code invalid_client}): retrying will not help,
 * so the call fails with {@code UNAUTHENTICATED}, where an unreachable endpoint gives {@code UNAVAILABLE}.
 */
public final class TokenEndpointException extends RuntimeException {
  TokenEndpointException(String message) {
    super(message);
  }
}
