package dev.grpcedge.client;

import com.google.auth.Credentials;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

/**
 * A bearer token read from a file and read again whenever the file's modification time or size changes, so a
 * sidecar (Vault agent, Kubernetes projected token, a cron job) can rotate it under a running client.
 */
final class FileTokenCredentials extends Credentials {
  private final Path file;
  private FileTime modified;
  private long size = -1;
  private String token;

  FileTokenCredentials(Path file) {
    this.file = file;
  }

  @Override
  public String getAuthenticationType() {
    return "OAuth2";
  }

  @Override
  public Map<String, List<String>> getRequestMetadata(URI uri) throws IOException {
    return Map.of("Authorization", List.of("Bearer " + current()));
  }

  @Override
  public boolean hasRequestMetadata() {
    return true;
  }

  @Override
  public boolean hasRequestMetadataOnly() {
    return true;
  }

  @Override
  public synchronized void refresh() {
    modified = null;
  }

  /** The token, re-read when the file changed since the last read; a stat per call is cheap next to a call. */
  private synchronized String current() throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    if (token == null || !attributes.lastModifiedTime().equals(modified) || attributes.size() != size) {
      String read = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (read.isEmpty()) {
        throw new IOException(file + ": token file is empty");
      }
      token = read;
      modified = attributes.lastModifiedTime();
      size = attributes.size();
    }
    return token;
  }
}
