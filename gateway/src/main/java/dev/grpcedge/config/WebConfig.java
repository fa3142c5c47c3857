package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The web listener: gRPC-Web and Connect for browsers, on TLS with the gRPC listener's certificate.
 *
 * @param listen where it binds, or null for no web listener
 * @param allowedOrigins origins (scheme://host[:port]) whose pages may call; CORS headers go to no other
 * @param corsMaxAge how long a browser may cache a preflight's answer
 * @param maxTimeout the longest deadline a browser may ask for ({@code grpc-timeout}, {@code Connect-Timeout-Ms})
 */
public record WebConfig(ListenAddress listen, List<String> allowedOrigins, Duration corsMaxAge, Duration maxTimeout) {
  /** No web listener. */
  public static final WebConfig OFF = new WebConfig(null, List.of(), Duration.ofMinutes(10), Duration.ofMinutes(5));

  public WebConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  public boolean enabled() {
    return listen != null;
  }

  /** A copy listening on {@code newListen}. */
  public WebConfig withListen(ListenAddress newListen) {
    return new WebConfig(newListen, allowedOrigins, corsMaxAge, maxTimeout);
  }

  /** Binds the {@code web} section. */
  @JsonCreator
  static WebConfig bind(@JsonProperty("listen") ListenAddress listen, @JsonProperty("cors") Cors cors,
      @JsonProperty("max_timeout") Duration maxTimeout) {
    Cors c = cors == null ? Cors.bind(null, null) : cors;
    return new WebConfig(listen, c.allowedOrigins(), c.maxAge(),
        Checks.duration("max_timeout", maxTimeout, OFF.maxTimeout(), Duration.ofSeconds(1), Duration.ofHours(24)));
  }

  /** The {@code web.cors} section. */
  record Cors(List<String> allowedOrigins, Duration maxAge) {
    @JsonCreator
    static Cors bind(@JsonProperty("allowed_origins") List<String> allowedOrigins,
        @JsonProperty("max_age") Duration maxAge) {
      List<String> origins = Checks.list(allowedOrigins);
      for (int i = 0; i < origins.size(); i++) {
        origins.set(i, origin("allowed_origins[" + i + "]", origins.get(i)));
      }
      return new Cors(origins, Checks.duration("max_age", maxAge, OFF.corsMaxAge(), Duration.ZERO,
          Duration.ofDays(1)));
    }

    /** {@code scheme://host[:port]}, lower case, as a browser sends it in {@code Origin}. */
    private static String origin(String key, String text) {
      if (text == null || text.isBlank()) {
        throw new ConfigException(key, "is empty");
      }
      if (text.contains("*")) {
        // Credentials (the bearer token) are allowed, and a wildcard would hand them to every site.
        throw new ConfigException(key, "'" + text + "': wildcards are not allowed; list each origin");
      }
      try {
        URI uri = new URI(text.trim());
        boolean bare = uri.getRawPath() == null || uri.getRawPath().isEmpty();
        if (uri.getScheme() == null || uri.getHost() == null || !bare || uri.getQuery() != null
            || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
          throw new ConfigException(key, "expected an origin such as https://app.example.com, got '" + text + "'");
        }
        return uri.toString().toLowerCase(Locale.ROOT);
      } catch (URISyntaxException e) {
        throw new ConfigException(key, "expected an origin such as https://app.example.com, got '" + text + "'");
      }
    }
  }
}
