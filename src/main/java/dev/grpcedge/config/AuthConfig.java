package dev.grpcedge.config;

import java.time.Duration;
import java.util.List;

/**
 * Bearer-token authentication and per-method authorization.
 *
 * @param issuers trusted issuers, each with its own keys and audiences
 * @param rules method rules; a method that matches none requires a valid token and no scope
 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenBytes longest token accepted; longer ones are refused before parsing
 */
public record AuthConfig(List<IssuerConfig> issuers, List<MethodRule> rules, Duration clockSkew, int maxTokenBytes) {
  public AuthConfig {
    issuers = List.copyOf(issuers);
    rules = List.copyOf(rules);
  }
}
