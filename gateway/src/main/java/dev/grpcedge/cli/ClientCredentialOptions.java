package dev.grpcedge.cli;

import dev.grpcedge.client.ClientCredentialsConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The OAuth2 client credentials flags of {@code grpc-edge call} and {@code grpc-edge bench}: a token fetched from
 * {@code --token-url} and fetched again before it expires. The secret comes from a file or
 * {@code $GRPC_EDGE_CLIENT_SECRET}, never from the command line, where {@code ps} would show it.
 */
public final class ClientCredentialOptions {
  static final String SECRET_ENV = "GRPC_EDGE_CLIENT_SECRET";

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

  @Option(names = "--scope", split = ",", description = "Client credentials (or call's --google): scope(s) to request.")
  List<String> scopes = List.of();

  @Option(names = "--audience", description = "Client credentials: the audience parameter (Auth0, Okta).")
  String audience;

  @Option(names = "--resource", description = "Client credentials: resource parameter(s) (RFC 8707, Entra ID).")
  List<String> resources = List.of();

  /** Whether {@code --token-url} was given. */
  public boolean chosen() {
    return tokenUrl != null;
  }

  /** The grant's settings; a missing client id or secret, or an unknown method, throws IllegalArgumentException. */
  public ClientCredentialsConfig config() {
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
