package dev.grpcedge.config;

import java.nio.file.Path;

/** A config value that cannot be used; the message starts with the key's path, e.g. {@code tls.key: file not found}. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String keyPath;
  private final String reason;
  private final boolean namesFile;

  public ConfigException(String keyPath, String reason) {
    this(keyPath, reason, false);
  }

  public ConfigException(String message) {
    this(null, message, false);
  }

  private ConfigException(String keyPath, String reason, boolean namesFile) {
    super(keyPath == null || keyPath.isEmpty() ? reason : keyPath + ": " + reason);
    this.keyPath = keyPath;
    this.reason = reason;
    this.namesFile = namesFile;
  }

  /**
   * This error for a key under {@code parent} ({@code auth.issuers[0]} + {@code keys.cache_ttl}): a record checks
   * its own keys, and the binder, which knows where the record sits, adds the rest of the path.
   */
  public ConfigException under(String parent) {
    if (namesFile || parent == null || parent.isEmpty()) {
      return this;
    }
    String path = keyPath == null || keyPath.isEmpty() ? parent
        : keyPath.startsWith("[") ? parent + keyPath : parent + "." + keyPath;
    return new ConfigException(path, reason, false);
  }

  /** This error with the config file in front ({@code config/gateway.yaml: tls.key: ...}), once. */
  public ConfigException inFile(Path file) {
    return namesFile ? this : new ConfigException(null, file + ": " + getMessage(), true);
  }
}
