package dev.grpcedge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses an unknown key anywhere in the file before any record is built: a typo ({@code keyy:} for {@code key:})
 * must be reported as the unknown key it is, not as the key it was meant to be missing, and Jackson builds a
 * record from its creator before it reports the unknown properties around it. The keys each record takes are read
 * from its {@code @JsonCreator} parameters, the same ones Jackson binds.
 */
final class KnownKeys {
  private static final Map<Class<?>, Map<String, Type>> KEYS = new ConcurrentHashMap<>();

  private KnownKeys() {}

  /** Checks {@code node}, bound to {@code type} at {@code path}, and everything below it. */
  static void check(JsonNode node, Type type, String path) {
    if (node == null || node.isNull()) {
      return;
    }
    if (type instanceof ParameterizedType list && node.isArray()) {
      Type item = list.getActualTypeArguments()[0];
      for (int i = 0; i < node.size(); i++) {
        check(node.get(i), item, path + "[" + i + "]");
      }
      return;
    }
    if (type instanceof ParameterizedType map && map.getRawType() == Map.class && node.isObject()) {
      // A map keyed by names the user chooses (upstreams.NAME): only its values have known keys.
      Type value = map.getActualTypeArguments()[1];
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        check(field.getValue(), value, path.isEmpty() ? field.getKey() : path + "." + field.getKey());
      }
      return;
    }
    if (!(type instanceof Class<?> record) || !node.isObject()) {
      return;
    }
    Map<String, Type> keys = KEYS.computeIfAbsent(record, KnownKeys::creatorKeys);
    if (keys.isEmpty()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String keyPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      Type valueType = keys.get(field.getKey());
      if (valueType == null) {
        throw new ConfigException(keyPath, "unknown key" + Suggestions.didYouMean(field.getKey(), keys.keySet()));
      }
      check(field.getValue(), valueType, keyPath);
    }
  }

  /** The YAML keys of {@code type}'s {@code @JsonCreator} factory, with the type each is bound to; empty for a scalar. */
  private static Map<String, Type> creatorKeys(Class<?> type) {
    Map<String, Type> keys = new LinkedHashMap<>();
    for (Method m : type.getDeclaredMethods()) {
      if (Modifier.isStatic(m.getModifiers()) && m.isAnnotationPresent(JsonCreator.class)) {
        for (Parameter p : m.getParameters()) {
          keys.put(p.getAnnotation(JsonProperty.class).value(), p.getParameterizedType());
        }
      }
    }
    return keys;
  }
}
