package dev.grpcedge.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a set of files resolves to and holds now: each file's real path (after every symlink) and a SHA-256 of its
 * content. Comparing fingerprints sees in-place rewrites, renames over the file and Kubernetes {@code ..data}
 * symlink swaps alike, which a WatchService on the folder does not.
 */
record FileFingerprint(List<String> entries) {
  FileFingerprint {
    entries = List.copyOf(entries);
  }

  static FileFingerprint of(List<Path> files) {
    List<String> entries = new ArrayList<>();
    for (Path file : files) {
      entries.add(entry(file));
    }
    return new FileFingerprint(entries);
  }

  private static String entry(Path file) {
    try {
      Path real = file.toRealPath();
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(real));
      return real + "#" + HexFormat.of().formatHex(digest);
    } catch (IOException e) {
      // A missing or unreadable file is a state of its own: loading it will fail and say why.
      return file + "#unreadable:" + e.getClass().getSimpleName();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
