package dev.grpcedge.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads {@code gateway.yaml} and binds it to {@link GatewayConfig} ({@link ConfigBinder}). Relative paths in the
 * file are resolved against the file's own folder, so the gateway reads the same files whatever its working
 * directory.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** Loads the file at {@code file}; any problem is a {@link ConfigException} naming the file and key. */
  public static GatewayConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("file not found").inFile(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read: " + e.getMessage()).inFile(file);
    }
    Path baseDir = file.toAbsolutePath().getParent();
    try {
      return parse(text, baseDir);
    } catch (ConfigException e) {
      throw e.inFile(file);
    }
  }

  /** Parses YAML text; relative paths resolve against {@code baseDir}. */
  public static GatewayConfig parse(String yamlText, Path baseDir) {
    return ConfigBinder.bind(yamlText, baseDir);
  }
}
