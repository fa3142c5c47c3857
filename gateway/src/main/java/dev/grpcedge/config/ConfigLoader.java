package dev.grpcedge.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and validates {@code gateway.yaml}. Relative paths in the file are resolved against the file's own
 * folder, so the gateway reads the same files whatever its working directory.
 */
public final class ConfigLoader {
  static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);
  static final int DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;

  private ConfigLoader() {}

  /** Loads the file at {@code file}; any problem is a {@link ConfigException} naming the file and key. */
  public static GatewayConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("file not found").inFile(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read: " + e.getMessage()).inFile(file);
    }
    Path baseDir = file.toAbsolutePath().getParent();
    try {
      return parse(text, baseDir);
    } catch (ConfigException e) {
      throw e.inFile(file);
    }
  }

  /** Parses YAML text; relative paths resolve against {@code baseDir}. */
  public static GatewayConfig parse(String yamlText, Path baseDir) {
    YamlNode root = YamlNode.root(YamlText.parse(yamlText), baseDir)
        .keys("listen", "tls", "auth", "limits", "log", "shutdown");
    ListenAddress listen = listen(root);
    TlsConfig tls = tls(root.child("tls"));
    AuthConfig auth = auth(root.child("auth"));
    LimitsConfig limits = limits(root.child("limits"));
    for (int i = 0; i < auth.rules().size(); i++) {
      if (auth.rules().get(i).clientCert() && tls.clientAuth() == TlsConfig.ClientAuth.NONE) {
        // The listener would never ask for a certificate, so the rule could never be met.
        throw new ConfigException("auth.rules[" + i + "].client_cert", "needs tls.client_auth: optional or require");
      }
    }
    if (auth.maxTokenBytes() >= limits.maxMetadataBytes()) {
      // Otherwise the transport refuses large tokens first, with a less helpful status than "token too large".
      throw new ConfigException("auth.max_token_size", "must be smaller than limits.max_metadata_size ("
          + limits.maxMetadataBytes() + " bytes)");
    }
    YamlNode log = root.child("log").keys("level");
    String level = log.enumValue("level", LogLevel.class, LogLevel.INFO).name();
    log.rejectUnknownKeys();
    YamlNode shutdown = root.child("shutdown").keys("grace");
    Duration grace = shutdown.duration("grace", Duration.ofSeconds(10), Duration.ZERO, Duration.ofHours(1));
    shutdown.rejectUnknownKeys();
    root.rejectUnknownKeys();
    return new GatewayConfig(listen, tls, auth, limits, level, grace);
  }

  /** Log levels accepted in {@code log.level}. */
  enum LogLevel {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private static ListenAddress listen(YamlNode root) {
    String text = root.string("listen", "127.0.0.1:8443");
    try {
      return ListenAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("listen", e.getMessage());
    }
  }

  private static TlsConfig tls(YamlNode node) {
    node.keys("cert", "key", "provider", "allow_jdk_fallback", "reload_interval", "expiry_warning", "client_auth",
        "client_ca");
    Path cert = node.path("cert");
    if (cert == null) {
      throw new ConfigException(node.keyPath("cert"), "is required (PEM certificate chain)");
    }
    Path key = node.path("key");
    if (key == null) {
      throw new ConfigException(node.keyPath("key"), "is required (PKCS#8 PEM private key)");
    }
    TlsConfig.Provider provider = node.enumValue("provider", TlsConfig.Provider.class, TlsConfig.Provider.OPENSSL);
    boolean fallback = node.bool("allow_jdk_fallback", false);
    Duration reload = node.duration("reload_interval", TlsConfig.DEFAULT_RELOAD_INTERVAL,
        Duration.ofMillis(100), Duration.ofHours(1));
    Duration expiryWarning = node.duration("expiry_warning", TlsConfig.DEFAULT_EXPIRY_WARNING,
        Duration.ZERO, Duration.ofDays(365));
    TlsConfig.ClientAuth clientAuth = node.enumValue("client_auth", TlsConfig.ClientAuth.class, TlsConfig.ClientAuth.NONE);
    Path clientCa = node.path("client_ca");
    if (clientAuth != TlsConfig.ClientAuth.NONE && clientCa == null) {
      throw new ConfigException(node.keyPath("client_ca"), "is required when client_auth is "
          + clientAuth.name().toLowerCase(java.util.Locale.ROOT) + " (PEM bundle of client CAs)");
    }
    if (clientAuth == TlsConfig.ClientAuth.NONE && clientCa != null) {
      // A CA bundle that is never used would suggest client certificates are checked when they are not.
      throw new ConfigException(node.keyPath("client_ca"), "is set but client_auth is none; set client_auth: optional or require");
    }
    node.rejectUnknownKeys();
    return new TlsConfig(cert, key, provider, fallback, reload, expiryWarning, clientAuth, clientCa);
  }

  private static AuthConfig auth(YamlNode node) {
    node.keys("clock_skew", "max_token_size", "issuers", "rules", "token_cache");
    Duration skew = node.duration("clock_skew", DEFAULT_SKEW, Duration.ZERO, Duration.ofMinutes(10));
    int maxToken = node.size("max_token_size", DEFAULT_MAX_TOKEN_BYTES, 256, 64 * 1024);
    List<IssuerConfig> issuers = node.children("issuers", ConfigLoader::issuer);
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < issuers.size(); i++) {
      if (!seen.add(issuers.get(i).issuer())) {
        throw new ConfigException(node.keyPath("issuers") + "[" + i + "].issuer", "duplicate issuer");
      }
    }
    List<MethodRule> rules = node.children("rules", ConfigLoader::rule);
    boolean anyProtected = rules.isEmpty() || rules.stream().anyMatch(r -> !r.isPublic());
    if (issuers.isEmpty() && anyProtected) {
      throw new ConfigException(node.keyPath("issuers"), "at least one issuer is required unless every rule is public");
    }
    TokenCacheConfig tokenCache = tokenCache(node.child("token_cache"));
    node.rejectUnknownKeys();
    return new AuthConfig(issuers, rules, skew, maxToken, tokenCache);
  }

  private static TokenCacheConfig tokenCache(YamlNode node) {
    node.keys("enabled", "max_entries");
    TokenCacheConfig defaults = TokenCacheConfig.DEFAULTS;
    boolean enabled = node.bool("enabled", defaults.enabled());
    int maxEntries = node.integer("max_entries", defaults.maxEntries(), 1, 10_000_000);
    node.rejectUnknownKeys();
    return new TokenCacheConfig(enabled, maxEntries);
  }

  private static IssuerConfig issuer(YamlNode node) {
    node.keys("issuer", "jwks_file", "jwks_url", "discovery", "audiences", "keys");
    String issuer = node.requiredString("issuer");
    Path jwks = node.path("jwks_file");
    URI jwksUrl = url(node, "jwks_url", node.string("jwks_url", null));
    boolean discovery = node.bool("discovery", false);
    int sources = (jwks == null ? 0 : 1) + (jwksUrl == null ? 0 : 1) + (discovery ? 1 : 0);
    if (sources != 1) {
      throw new ConfigException(node.keyPath("jwks_file"),
          "give exactly one of jwks_file (a local JWKS file), jwks_url, or discovery: true (OIDC discovery from"
              + " the issuer URL)");
    }
    if (discovery) {
      url(node, "issuer", issuer);
    }
    List<String> audiences = node.stringList("audiences");
    if (audiences.isEmpty()) {
      throw new ConfigException(node.keyPath("audiences"), "at least one audience is required");
    }
    if (jwks != null && node.has("keys")) {
      throw new ConfigException(node.keyPath("keys"), "applies only to jwks_url or discovery, not to jwks_file");
    }
    KeyCacheConfig keys = keyCache(node.child("keys"));
    return new IssuerConfig(issuer, jwks, jwksUrl, discovery, new LinkedHashSet<>(audiences), keys);
  }

  /** An identity-provider URL: https, or http to a loopback host; null when {@code text} is null. */
  private static URI url(YamlNode node, String key, String text) {
    if (text == null) {
      return null;
    }
    try {
      URI uri = new URI(text.trim());
      KeyUrls.check(uri);
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(node.keyPath(key), "not a URL: '" + text + "'");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(node.keyPath(key), e.getMessage());
    }
  }

  private static KeyCacheConfig keyCache(YamlNode node) {
    node.keys("cache_ttl", "refresh_ahead", "min_refetch_interval", "http_timeout", "max_response_size",
        "outage_tolerance");
    KeyCacheConfig d = KeyCacheConfig.DEFAULTS;
    Duration ttl = node.duration("cache_ttl", d.cacheTtl(), Duration.ofSeconds(10), Duration.ofDays(1));
    Duration ahead = node.duration("refresh_ahead", d.refreshAhead(), Duration.ofSeconds(1), Duration.ofHours(1));
    Duration refetch = node.duration("min_refetch_interval", d.minRefetchInterval(), Duration.ofSeconds(1),
        Duration.ofHours(1));
    Duration timeout = node.duration("http_timeout", d.httpTimeout(), Duration.ofMillis(100), Duration.ofSeconds(30));
    int maxSize = node.size("max_response_size", d.maxResponseBytes(), 1024, 16 << 20);
    Duration outage = node.duration("outage_tolerance", d.outageTolerance(), Duration.ZERO, Duration.ofDays(30));
    node.rejectUnknownKeys();
    try {
      return new KeyCacheConfig(ttl, ahead, refetch, timeout, maxSize, outage);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(node.keyPath("cache_ttl"), e.getMessage());
    }
  }

  private static MethodRule rule(YamlNode node) {
    node.keys("methods", "scopes", "public", "client_cert", "end_streams_at_expiry");
    List<String> methods = node.stringList("methods");
    if (methods.isEmpty()) {
      throw new ConfigException(node.keyPath("methods"), "at least one method is required");
    }
    for (int i = 0; i < methods.size(); i++) {
      String m = methods.get(i);
      int slash = m.indexOf('/');
      if (slash <= 0 || slash == m.length() - 1 || m.indexOf('/', slash + 1) >= 0
          || (m.contains("*") && !m.endsWith("/*"))) {
        throw new ConfigException(node.keyPath("methods") + "[" + i + "]",
            "expected package.Service/Method or package.Service/*, got '" + m + "'");
      }
    }
    List<String> scopes = node.stringList("scopes");
    boolean isPublic = node.bool("public", false);
    if (isPublic && !scopes.isEmpty()) {
      throw new ConfigException(node.keyPath("public"), "a public rule cannot also require scopes");
    }
    boolean clientCert = clientCert(node);
    boolean endStreams = node.bool("end_streams_at_expiry", true);
    return new MethodRule(methods, new LinkedHashSet<>(scopes), isPublic, clientCert, endStreams);
  }

  /** {@code client_cert: required} or {@code optional} (the default) on a method rule. */
  private static boolean clientCert(YamlNode node) {
    String value = node.string("client_cert", "optional").trim();
    return switch (value) {
      case "required" -> true;
      case "optional" -> false;
      default -> throw new ConfigException(node.keyPath("client_cert"), "expected required or optional, got '" + value + "'");
    };
  }

  private static LimitsConfig limits(YamlNode node) {
    node.keys("max_inbound_message_size", "max_metadata_size", "max_concurrent_streams", "max_connection_idle",
        "handshake_timeout");
    int maxMessage = node.size("max_inbound_message_size", 4 << 20, 1024, 64 << 20);
    int maxMetadata = node.size("max_metadata_size", 16 << 10, 1024, 1 << 20);
    int maxStreams = node.integer("max_concurrent_streams", 100, 1, 10_000);
    Duration idle = node.duration("max_connection_idle", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1));
    Duration handshake = node.duration("handshake_timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5));
    node.rejectUnknownKeys();
    return new LimitsConfig(maxMessage, maxMetadata, maxStreams, idle, handshake);
  }
}
