package dev.grpcedge.greeter;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Validation of the names callers ask to greet. */
final class Names {
  static final int MAX_LENGTH = 256;

  private Names() {}

  /** Returns the name, or throws INVALID_ARGUMENT with a message the caller can act on. */
  static String check(String name) {
    if (name == null || name.isBlank()) {
      throw Status.INVALID_ARGUMENT.withDescription("name is required").asRuntimeException();
    }
    if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
      throw Status.INVALID_ARGUMENT
          .withDescription("name is longer than " + MAX_LENGTH + " characters")
          .asRuntimeException();
    }
    return name;
  }

  /** Returns {@code value} (an unsigned field, widened), or throws INVALID_ARGUMENT naming the field and its bound. */
  static long atMost(String field, long value, long max) {
    if (value > max) {
      throw invalid(field + " must be at most " + max + ", got " + value);
    }
    return value;
  }

  static StatusRuntimeException invalid(String description) {
    return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
  }
}
