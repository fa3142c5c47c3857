package dev.grpcedge.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.grpcedge.config.KeyUrls;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.text.ParseException;
import java.util.Map;

/** Finds an issuer's JWKS URL in its OpenID Connect discovery document (OpenID Connect Discovery 1.0, section 4). */
final class OidcDiscovery {
  static final String WELL_KNOWN = "/.well-known/openid-configuration";

  private OidcDiscovery() {}

  /** {@code <issuer>/.well-known/openid-configuration}, with a trailing slash of the issuer dropped. */
  static URL documentUrl(String issuer) throws IOException {
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    try {
      return new URI(base + WELL_KNOWN).toURL();
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException("issuer is not a URL", e);
    }
  }

  /**
   * Fetches the document and returns its {@code jwks_uri}.
   *
   * @throws IOException when the document cannot be fetched or read, names another issuer, or its
   *     {@code jwks_uri} is missing or not https
   */
  static URL jwksUrl(String issuer, ResourceRetriever retriever) throws IOException {
    Resource document = retriever.retrieveResource(documentUrl(issuer));
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(document.getContent());
    } catch (ParseException e) {
      throw new IOException("discovery document is not a JSON object");
    }
    // The spec requires this check: otherwise one provider could hand out keys for another issuer's tokens.
    if (!issuer.equals(json.get("issuer"))) {
      throw new IOException("discovery document names another issuer: " + json.get("issuer"));
    }
    if (!(json.get("jwks_uri") instanceof String jwksUri)) {
      throw new IOException("discovery document has no jwks_uri");
    }
    try {
      URI uri = new URI(jwksUri);
      // A provider reached over plain http (a risk the config accepted) may name plain http key URLs too.
      KeyUrls.check(uri, issuer.regionMatches(true, 0, "http:", 0, 5));
      return uri.toURL();
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException("discovery document's jwks_uri cannot be used: " + e.getMessage());
    }
  }
}
