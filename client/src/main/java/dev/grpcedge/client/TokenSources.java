package dev.grpcedge.client;

import com.google.auth.Credentials;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.OAuth2Credentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where callers' bearer tokens come from, as google-auth-library {@link Credentials}; turn one into
 * {@code CallCredentials} with {@link BearerCredentials#from(Credentials)}.
 */
public final class TokenSources {
  private TokenSources() {}

  /** A fixed token, used as is until the gateway rejects it. */
  public static Credentials fixed(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("token is empty");
    }
    return OAuth2Credentials.create(new AccessToken(token.trim(), null));
  }

  /** The token in environment variable {@code name}, read once. */
  public static Credentials fromEnv(String name) {
    return fromEnv(name, System::getenv);
  }

  static Credentials fromEnv(String name, UnaryOperator<String> environment) {
    String token = environment.apply(name);
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("environment variable " + name + " is not set");
    }
    return fixed(token);
  }

  /** The token in {@code file}, read again whenever the file's modification time or size changes. */
  public static Credentials fromFile(Path file) {
    return new FileTokenCredentials(file);
  }

  /** Tokens from an OAuth2 client credentials grant, refreshed before they expire (see the config's margins). */
  public static Credentials clientCredentials(ClientCredentialsConfig config) {
    return new OAuth2ClientCredentials(config);
  }

  /**
   * Google application default credentials ({@code GOOGLE_APPLICATION_CREDENTIALS}, gcloud, the metadata server),
   * scoped when scopes are given. Which tokens they yield (access tokens, or self-signed JWTs for a service
   * account without scopes) is google-auth's choice; the gateway must trust Google as an issuer.
   */
  public static Credentials google(List<String> scopes) throws IOException {
    GoogleCredentials credentials = GoogleCredentials.getApplicationDefault();
    return scopes.isEmpty() ? credentials : credentials.createScoped(scopes);
  }
}
