package dev.grpcedge.cli;

import com.google.auth.Credentials;
import dev.grpcedge.client.TokenSources;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code grpc-edge call}'s token flags: one source among a fixed token, a token file, OAuth2 client credentials
 * and Google application default credentials; with none, {@code $GRPC_EDGE_TOKEN} when set.
 */
final class CredentialOptions {
  static final String TOKEN_ENV = "GRPC_EDGE_TOKEN";

  @Option(names = "--token", description = "Bearer token (default: $GRPC_EDGE_TOKEN). Sent only over TLS. Other users"
      + " of this machine can read it in ps: prefer --token-file or GRPC_EDGE_TOKEN.")
  String token;

  @Option(names = "--token-file", description = "File holding the bearer token, read again when it changes.")
  Path tokenFile;

  @Mixin
  ClientCredentialOptions clientCredentials;

  @Option(names = "--google", description = "Google application default credentials.")
  boolean google;

  /** The chosen source, or null for an anonymous call; a bad combination throws IllegalArgumentException. */
  Credentials credentials() throws IOException {
    int chosen = (token != null ? 1 : 0) + (tokenFile != null ? 1 : 0) + (clientCredentials.chosen() ? 1 : 0)
        + (google ? 1 : 0);
    if (chosen > 1) {
      throw new IllegalArgumentException("choose one of --token, --token-file, --token-url, --google");
    }
    if (token != null) {
      return TokenSources.fixed(token);
    }
    if (tokenFile != null) {
      if (!java.nio.file.Files.isReadable(tokenFile)) {
        throw new IllegalArgumentException("--token-file " + tokenFile + ": file not found");
      }
      return TokenSources.fromFile(tokenFile);
    }
    if (clientCredentials.chosen()) {
      return TokenSources.clientCredentials(clientCredentials.config());
    }
    if (google) {
      return TokenSources.google(clientCredentials.scopes);
    }
    String fromEnv = System.getenv(TOKEN_ENV);
    return fromEnv == null || fromEnv.isBlank() ? null : TokenSources.fromEnv(TOKEN_ENV);
  }
}
