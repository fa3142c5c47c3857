package dev.grpcedge.config;

import java.time.Duration;
import java.util.List;

/** The range checks that config records apply to their own keys, with the bounds as a user writes them. */
final class Checks {
  private Checks() {}

  /** {@code value}, or {@code fallback} when the key was left out; within {@code min}..{@code max}. */
  static Duration duration(String key, Duration value, Duration fallback, Duration min, Duration max) {
    Duration d = value == null ? fallback : value;
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(key, "must be between " + Durations.format(min) + " and " + Durations.format(max)
          + ", got " + Durations.format(d));
    }
    return d;
  }

  /** {@code value}, or {@code fallback} when the key was left out; within {@code min}..{@code max}. */
  static int integer(String key, Integer value, int fallback, int min, int max) {
    int i = value == null ? fallback : value;
    if (i < min || i > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + i);
    }
    return i;
  }

  static boolean bool(Boolean value, boolean fallback) {
    return value == null ? fallback : value;
  }

  static <T> List<T> list(List<T> value) {
    return value == null ? List.of() : value;
  }

  static String required(String key, String value, String what) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(key, "is required" + (what == null ? "" : " (" + what + ")"));
    }
    return value;
  }
}
