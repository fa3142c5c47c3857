package dev.grpcedge.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A byte size as the config writes it: a whole number of bytes, or with a unit, {@code B}, {@code KiB}, {@code MiB}, {@code GiB}. */
final class ByteSize extends JsonDeserializer<Integer> {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

  @Override
  public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    String text = p.getValueAsString();
    Matcher m = SIZE.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new ConfigException("expected a size such as 8192, 8KiB or 4MiB, got '" + p.getText() + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    long bytes = switch (unit) {
      case "KiB" -> n << 10;
      case "MiB" -> n << 20;
      case "GiB" -> n << 30;
      default -> n;
    };
    if (bytes > Integer.MAX_VALUE) {
      throw new ConfigException("is too large: " + text);
    }
    return (int) bytes;
  }
}
