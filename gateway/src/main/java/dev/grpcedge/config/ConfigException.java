package dev.grpcedge.config;

import java.nio.file.Path;

/** A config value that cannot be used; the message starts with the key's path, e.g. {@code tls.key: file not found}. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean namesFile;

  public ConfigException(String keyPath, String reason) {
    this(keyPath + ": " + reason, false);
  }

  public ConfigException(String message) {
    this(message, false);
  }

  private ConfigException(String message, boolean namesFile) {
    super(message);
    this.namesFile = namesFile;
  }

  /** This error with the config file in front ({@code config/gateway.yaml: tls.key: ...}), once. */
  public ConfigException inFile(Path file) {
    return namesFile ? this : new ConfigException(file + ": " + getMessage(), true);
  }
}
