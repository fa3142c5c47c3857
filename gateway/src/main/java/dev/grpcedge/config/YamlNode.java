package dev.grpcedge.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML mapping read with its key path, so every error names the key. Keys that are never read are reported
 * by {@link #rejectUnknownKeys()}: a typo must not silently fall back to a default.
 */
final class YamlNode {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");

  private final String path;
  private final Map<String, Object> values;
  private final Path baseDir;
  private final Set<String> read = new LinkedHashSet<>();

  YamlNode(String path, Map<String, Object> values, Path baseDir) {
    this.path = path;
    this.values = values;
    this.baseDir = baseDir;
  }

  static YamlNode root(Object document, Path baseDir) {
    if (document == null) {
      return new YamlNode("", Map.of(), baseDir);
    }
    if (!(document instanceof Map<?, ?> map)) {
      throw new ConfigException("(root)", "expected a mapping of keys to values");
    }
    return new YamlNode("", stringKeys("(root)", map), baseDir);
  }

  /**
   * Refuses, first of all, a key this mapping does not take, naming the closest one it does: {@code keyy:} for
   * {@code key:} is reported as the unknown key it is, not as {@code key} missing.
   */
  YamlNode keys(String... known) {
    List<String> knownKeys = List.of(known);
    for (String key : values.keySet()) {
      if (!knownKeys.contains(key)) {
        throw new ConfigException(keyPath(key), "unknown key" + Suggestions.didYouMean(key, knownKeys));
      }
    }
    return this;
  }

  String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  private Object raw(String key) {
    read.add(key);
    return values.get(key);
  }

  String string(String key, String defaultValue) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Map || v instanceof List) {
      throw new ConfigException(keyPath(key), "expected a single value");
    }
    return v.toString();
  }

  String requiredString(String key) {
    String v = string(key, null);
    if (v == null || v.isBlank()) {
      throw new ConfigException(keyPath(key), "is required");
    }
    return v;
  }

  boolean bool(String key, boolean defaultValue) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Boolean b)) {
      throw new ConfigException(keyPath(key), "expected true or false, got '" + v + "'");
    }
    return b;
  }

  int integer(String key, int defaultValue, int min, int max) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Integer i)) {
      throw new ConfigException(keyPath(key), "expected a whole number, got '" + v + "'");
    }
    return checkRange(key, i, min, max);
  }

  Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    Duration d;
    try {
      d = Durations.parse(v.toString());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(keyPath(key), e.getMessage());
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(keyPath(key), "must be between " + Durations.format(min) + " and "
          + Durations.format(max) + ", got " + v);
    }
    return d;
  }

  /** A byte size: a whole number of bytes, or with a unit B, KiB, MiB or GiB. */
  int size(String key, int defaultValue, int min, int max) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    Matcher m = SIZE.matcher(v.toString().trim());
    if (!m.matches()) {
      throw new ConfigException(keyPath(key), "expected a size such as 8192, 8KiB or 4MiB, got '" + v + "'");
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
      throw new ConfigException(keyPath(key), "is too large: " + v);
    }
    return checkRange(key, (int) bytes, min, max);
  }

  Path path(String key) {
    String v = string(key, null);
    if (v == null || v.isBlank()) {
      return null;
    }
    return baseDir.resolve(v).normalize();
  }

  <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
    String v = string(key, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name().toLowerCase(Locale.ROOT));
      }
      throw new ConfigException(keyPath(key), "expected one of " + names + ", got '" + v + "'");
    }
  }

  List<String> stringList(String key) {
    Object v = raw(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> list) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        if (item == null || item instanceof Map || item instanceof List) {
          throw new ConfigException(keyPath(key) + "[" + i + "]", "expected a single value");
        }
        out.add(item.toString());
      }
      return out;
    }
    if (v instanceof Map) {
      throw new ConfigException(keyPath(key), "expected a list");
    }
    return List.of(v.toString());
  }

  YamlNode child(String key) {
    Object v = raw(key);
    if (v == null) {
      return new YamlNode(keyPath(key), Map.of(), baseDir);
    }
    if (!(v instanceof Map<?, ?> map)) {
      throw new ConfigException(keyPath(key), "expected a mapping of keys to values");
    }
    return new YamlNode(keyPath(key), stringKeys(keyPath(key), map), baseDir);
  }

  <T> List<T> children(String key, Function<YamlNode, T> reader) {
    Object v = raw(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw new ConfigException(keyPath(key), "expected a list");
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String itemPath = keyPath(key) + "[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> map)) {
        throw new ConfigException(itemPath, "expected a mapping of keys to values");
      }
      YamlNode item = new YamlNode(itemPath, stringKeys(itemPath, map), baseDir);
      out.add(reader.apply(item));
      item.rejectUnknownKeys();
    }
    return out;
  }

  void rejectUnknownKeys() {
    for (String key : values.keySet()) {
      if (!read.contains(key)) {
        throw new ConfigException(keyPath(key), "unknown key");
      }
    }
  }

  private int checkRange(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ConfigException(keyPath(key), "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  private static Map<String, Object> stringKeys(String path, Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String k)) {
        throw new ConfigException(path, "key '" + e.getKey() + "' is not a string");
      }
      out.put(k, e.getValue());
    }
    return out;
  }
}
