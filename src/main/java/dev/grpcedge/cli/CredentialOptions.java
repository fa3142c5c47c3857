package dev.grpcedge.cli;

import com.google.auth.Credentials;
import dev.grpcedge.client.ClientCredentialsConfig;
import dev.grpcedge.client.TokenSources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code grpc-edge call}'s token flags: one source among a fixed token, a token file, OAuth2 client credentials
 * and Google application default credentials; with none, {@code $GRPC_EDGE_TOKEN} when set.
 */
final class CredentialOptions {
  static final String TOKEN_ENV = "GRPC_EDGE_TOKEN";
  static final String SECRET_ENV = "GRPC_EDGE_CLIENT_SECRET";

  @Option(names = "--token", description = "Bearer token (default: $GRPC_EDGE_TOKEN). Sent only over TLS.")
  String token;

  @Option(names = "--token-file", description = "File holding the bearer token, read again when it changes.")
  Path tokenFile;

  @Option(names = "--token-url", description = "OAuth2 token endpoint: use the client credentials grant.")
  URI tokenUrl;

  @Option(names = "--client-id", description = "Client credentials: the client id.")
  String clientId;

  @Option(names = "--client-secret-file", description = "Client credentials: file holding the client secret "
      + "(default: $" + SECRET_ENV + "; a secret on the command line would show in ps).")
  Path clientSecretFile;

  @Option(names = "--auth-method", defaultValue = "basic",
      description = "Client credentials: basic (client_secret_basic) or post (client_secret_post); default ${DEFAULT-VALUE}.")
  String authMethod;

  @Option(names = "--scope", split = ",", description = "Client credentials or --google: scope(s) to request.")
  List<String> scopes = List.of();

  @Option(names = "--audience", description = "Client credentials: the audience parameter (Auth0, Okta).")
  String audience;

  @Option(names = "--resource", description = "Client credentials: resource parameter(s) (RFC 8707, Entra ID).")
  List<String> resources = List.of();

  @Option(names = "--google", description = "Google application default credentials.")
  boolean google;

  /** The chosen source, or null for an anonymous call; a bad combination throws IllegalArgumentException. */
  Credentials credentials() throws IOException {
    int chosen = (token != null ? 1 : 0) + (tokenFile != null ? 1 : 0) + (tokenUrl != null ? 1 : 0) + (google ? 1 : 0);
    if (chosen > 1) {
      throw new IllegalArgumentException("choose one of --token, --token-file, --token-url, --google");
    }
    if (token != null) {
      return TokenSources.fixed(token);
    }
    if (tokenFile != null) {
      return TokenSources.fromFile(tokenFile);
    }
    if (tokenUrl != null) {
      return TokenSources.clientCredentials(clientCredentials());
    }
    if (google) {
      return TokenSources.google(scopes);
    }
    String fromEnv = System.getenv(TOKEN_ENV);
    return fromEnv == null || fromEnv.isBlank() ? null : TokenSources.fromEnv(TOKEN_ENV);
  }

  private ClientCredentialsConfig clientCredentials() {
    if (clientId == null) {
      throw new IllegalArgumentException("--token-url needs --client-id");
    }
    ClientCredentialsConfig.AuthMethod method = switch (authMethod) {
      case "basic" -> ClientCredentialsConfig.AuthMethod.BASIC;
      case "post" -> ClientCredentialsConfig.AuthMethod.POST;
      default -> throw new IllegalArgumentException("--auth-method: basic or post, not " + authMethod);
    };
    return ClientCredentialsConfig.builder(tokenUrl, clientId, secret())
        .authMethod(method).scopes(scopes).audience(audience).resources(resources).build();
  }

  private String secret() {
    if (clientSecretFile != null) {
      try {
        return Files.readString(clientSecretFile, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new UncheckedIOException(clientSecretFile + ": cannot read the client secret", e);
      }
    }
    String secret = System.getenv(SECRET_ENV);
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("--token-url needs --client-secret-file or $" + SECRET_ENV);
    }
    return secret.trim();
  }
}
