package dev.grpcedge.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.grpcedge.config.ConfigException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;

/** Where an issuer's public signing keys come from. Today a local JWKS file. */
public final class KeySources {
  private KeySources() {}

  /**
   * Loads the public keys of a JWKS file once.
   *
   * @throws ConfigException {@code "<path>: <problem>"} when the file is missing, unreadable, not a JWKS
   *     document, holds no keys, or holds a private or secret key
   */
  public static JWKSource<SecurityContext> fromFile(Path jwksFile) {
    String where = jwksFile.toString();
    String text;
    try {
      text = Files.readString(jwksFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(where, "file not found");
    } catch (CharacterCodingException e) {
      throw notJwks(where);
    } catch (IOException e) {
      throw new ConfigException(where, "cannot read: " + e.getClass().getSimpleName());
    }
    JWKSet keys;
    try {
      keys = JWKSet.parse(text);
    } catch (ParseException e) {
      // The parser's message is not repeated: it may quote the file, which could be a misplaced secret.
      throw notJwks(where);
    }
    if (keys.isEmpty()) {
      throw new ConfigException(where, "holds no keys (keys of unsupported types are skipped)");
    }
    for (JWK key : keys.getKeys()) {
      if (key.isPrivate()) {
        // A private key here means it was copied where it does not belong; refuse to run with it.
        String kid = key.getKeyID() == null ? "" : " (kid " + key.getKeyID() + ")";
        throw new ConfigException(where, "holds a private or secret key" + kid + "; publish only public keys");
      }
    }
    return new ImmutableJWKSet<>(keys);
  }

  private static ConfigException notJwks(String where) {
    return new ConfigException(where, "not a JWKS document (expected a JSON object with a \"keys\" array)");
  }
}
