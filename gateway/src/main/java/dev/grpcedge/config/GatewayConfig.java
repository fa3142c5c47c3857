package dev.grpcedge.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole gateway configuration, as read from {@code config/gateway.yaml}.
 *
 * @param listen where the TLS listener binds
 * @param tls server certificate, key and provider
 * @param auth issuers and method rules
 * @param limits transport limits
 * @param logLevel root log level (TRACE, DEBUG, INFO, WARN, ERROR)
 * @param shutdownGrace how long in-flight calls may run after SIGTERM before they are cancelled
 * @param web the web listener (gRPC-Web and Connect), or {@link WebConfig#OFF}
 * @param security the risks accepted knowingly ({@code security.accept_risks})
 * @param routes methods forwarded to upstreams instead of a built-in service
 * @param upstreams the upstreams routes name, by name
 * @param identity the identity token signed for upstreams, or {@link IdentityConfig#OFF}
 * @param admin the admin listener ({@code /metrics}), or {@link AdminConfig#OFF}
 * @param accessFormat the access lines' form ({@code log.access_format})
 */
public record GatewayConfig(
    ListenAddress listen,
    TlsConfig tls,
    AuthConfig auth,
    LimitsConfig limits,
    String logLevel,
    Duration shutdownGrace,
    WebConfig web,
    SecurityConfig security,
    List<RouteConfig> routes,
    Map<String, UpstreamConfig> upstreams,
    IdentityConfig identity,
    AdminConfig admin,
    AccessFormat accessFormat) {
  public GatewayConfig {
    requireNonNull(listen, "listen");
    requireNonNull(tls, "tls");
    requireNonNull(auth, "auth");
    requireNonNull(limits, "limits");
    requireNonNull(logLevel, "log.level");
    requireNonNull(shutdownGrace, "shutdown.grace");
    requireNonNull(web, "web");
    requireNonNull(security, "security");
    requireNonNull(identity, "identity");
    requireNonNull(admin, "admin");
    requireNonNull(accessFormat, "log.access_format");
    routes = List.copyOf(routes);
    upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
  }

  /** Without a web listener. */
  public GatewayConfig(ListenAddress listen, TlsConfig tls, AuthConfig auth, LimitsConfig limits, String logLevel,
      Duration shutdownGrace) {
    this(listen, tls, auth, limits, logLevel, shutdownGrace, WebConfig.OFF, SecurityConfig.NONE, List.of(), Map.of(),
        IdentityConfig.OFF, AdminConfig.OFF, AccessFormat.TEXT);
  }

  public GatewayConfig withListen(ListenAddress newListen) {
    return new GatewayConfig(newListen, tls, auth, limits, logLevel, shutdownGrace, web, security, routes, upstreams,
        identity, admin, accessFormat);
  }

  public GatewayConfig withLogLevel(String newLevel) {
    return new GatewayConfig(listen, tls, auth, limits, newLevel, shutdownGrace, web, security, routes, upstreams,
        identity, admin, accessFormat);
  }

  public GatewayConfig withAdmin(AdminConfig newAdmin) {
    return new GatewayConfig(listen, tls, auth, limits, logLevel, shutdownGrace, web, security, routes, upstreams,
        identity, newAdmin, accessFormat);
  }

  public GatewayConfig withWeb(WebConfig newWeb) {
    return new GatewayConfig(listen, tls, auth, limits, logLevel, shutdownGrace, newWeb, security, routes, upstreams,
        identity, admin, accessFormat);
  }

  /** Log levels accepted in {@code log.level}. */
  public enum LogLevel {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  /**
   * Binds the whole file. A section that is left out gets its defaults, checked as if it were written empty, so
   * {@code auth} without issuers is the same error whether the section is empty or missing.
   */
  @JsonCreator
  static GatewayConfig bind(@JsonProperty("listen") ListenAddress listen, @JsonProperty("tls") TlsConfig tls,
      @JsonProperty("auth") AuthConfig auth, @JsonProperty("limits") LimitsConfig limits,
      @JsonProperty("log") LogSection log, @JsonProperty("shutdown") ShutdownSection shutdown,
      @JsonProperty("web") WebConfig web, @JsonProperty("security") SecurityConfig security,
      @JsonProperty("routes") List<RouteConfig> routes,
      @JsonProperty("upstreams") Map<String, UpstreamConfig> upstreams,
      @JsonProperty("identity") IdentityConfig identity, @JsonProperty("admin") AdminConfig admin) {
    if (tls == null) {
      throw new ConfigException("tls.cert", "is required (PEM certificate chain)");
    }
    AuthConfig a = auth;
    if (a == null) {
      try {
        a = AuthConfig.bind(null, null, null, null, null);
      } catch (ConfigException e) {
        throw e.under("auth");
      }
    }
    LimitsConfig l = limits == null ? LimitsConfig.DEFAULTS : limits;
    for (int i = 0; i < a.rules().size(); i++) {
      if (a.rules().get(i).clientCert() && tls.clientAuth() == TlsConfig.ClientAuth.NONE) {
        // The listener would never ask for a certificate, so the rule could never be met.
        throw new ConfigException("auth.rules[" + i + "].client_cert", "needs tls.client_auth: optional or require");
      }
    }
    if (a.maxTokenBytes() >= l.maxMetadataBytes()) {
      // Otherwise the transport refuses large tokens first, with a less helpful status than "token too large".
      throw new ConfigException("auth.max_token_size", "must be smaller than limits.max_metadata_size ("
          + l.maxMetadataBytes() + " bytes)");
    }
    SecurityConfig risks = security == null ? SecurityConfig.NONE : security;
    // Last: every section is valid on its own; now, is the whole an edge fit for the internet?
    EdgeRisks.check(a, l, risks);
    List<RouteConfig> r = Checks.list(routes);
    Map<String, UpstreamConfig> u = upstreams == null ? Map.of() : upstreams;
    Routing.check(r, u, risks);
    return new GatewayConfig(listen == null ? new ListenAddress("127.0.0.1", 8443) : listen, tls, a, l,
        log == null || log.level() == null ? "INFO" : log.level().name(),
        shutdown == null ? Duration.ofSeconds(10) : shutdown.grace(), web == null ? WebConfig.OFF : web, risks, r, u,
        identity == null ? IdentityConfig.OFF : identity, admin == null ? AdminConfig.OFF : admin,
        log == null || log.accessFormat() == null ? AccessFormat.TEXT : log.accessFormat());
  }

  /** How access lines are written: {@code key=value} text, or one JSON object per call. */
  public enum AccessFormat {
    TEXT,
    JSON
  }

  /** The {@code log} section. */
  record LogSection(LogLevel level, AccessFormat accessFormat) {
    @JsonCreator
    static LogSection bind(@JsonProperty("level") LogLevel level,
        @JsonProperty("access_format") AccessFormat accessFormat) {
      return new LogSection(level, accessFormat);
    }
  }

  /** The {@code shutdown} section. */
  record ShutdownSection(Duration grace) {
    @JsonCreator
    static ShutdownSection bind(@JsonProperty("grace") Duration grace) {
      return new ShutdownSection(Checks.duration("grace", grace, Duration.ofSeconds(10), Duration.ZERO,
          Duration.ofHours(1)));
    }
  }
}
