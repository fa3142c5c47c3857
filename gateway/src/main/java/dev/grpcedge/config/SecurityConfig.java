package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code security} section: the risks a config takes knowingly. Start-up refuses a config that weakens the edge
 * ({@link Risk}) unless its risk is named in {@code security.accept_risks}.
 *
 * @param acceptedRisks the risks accepted
 */
public record SecurityConfig(Set<Risk> acceptedRisks) {
  public SecurityConfig {
    acceptedRisks = acceptedRisks.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(acceptedRisks));
  }

  /** No risk accepted. */
  public static final SecurityConfig NONE = new SecurityConfig(Set.of());

  /** What a config can do to weaken the edge, by the name written in {@code security.accept_risks}. */
  public enum Risk {
    /** Every served method needs no token. */
    PUBLIC_METHODS("lets anyone on the internet call every method without a token"),
    /** An HTTP/2 defence, a connection limit or every per-caller limit is turned off. */
    DEFENCES_OFF("turns off a defence against abusive clients"),
    /** {@code auth.clock_skew} over 5 minutes. */
    LONG_CLOCK_SKEW("keeps expired tokens valid for more than 5 minutes"),
    /** A key set fetched over plain http from a host that is not loopback. */
    PLAIN_HTTP_KEYS("lets anyone on the network path swap the signing keys and mint tokens"),
    /** An upstream reached without TLS beyond loopback. */
    PLAINTEXT_UPSTREAMS("sends callers' requests and identities across the network unencrypted");

    private final String harm;

    Risk(String harm) {
      this.harm = harm;
    }

    /** The name written in the config. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The refusal for {@code keyPath}, saying what {@code setting} does and how to accept it. */
    public ConfigException refusal(String keyPath, String setting) {
      return new ConfigException(keyPath, setting + " " + harm + "; if that is intended, accept the risk with"
          + " security.accept_risks: [" + key() + "]");
    }
  }

  /** Binds {@code security}. */
  @JsonCreator
  static SecurityConfig bind(@JsonProperty("accept_risks") List<String> acceptRisks) {
    Set<Risk> risks = EnumSet.noneOf(Risk.class);
    List<String> names = Checks.list(acceptRisks);
    Set<String> known = EnumSet.allOf(Risk.class).stream().map(Risk::key).collect(Collectors.toSet());
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i) == null ? "" : names.get(i).trim();
      try {
        risks.add(Risk.valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("accept_risks[" + i + "]", "unknown risk '" + name + "'"
            + Suggestions.didYouMean(name, known) + " (known: " + String.join(", ", known.stream().sorted().toList())
            + ")");
      }
    }
    return new SecurityConfig(risks);
  }
}
