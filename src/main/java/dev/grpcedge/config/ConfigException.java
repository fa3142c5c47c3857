package dev.grpcedge.config;

/** A config value that cannot be used; the message starts with the key's path, e.g. {@code tls.key: file not found}. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String keyPath, String reason) {
    super(keyPath + ": " + reason);
  }

  public ConfigException(String message) {
    super(message);
  }
}
