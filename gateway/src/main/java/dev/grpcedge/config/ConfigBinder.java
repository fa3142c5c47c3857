package dev.grpcedge.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Binds config YAML to the config records with Jackson, then says what is wrong in the file's own terms: the key's
 * path, the value as written and the reason ({@code tls.keyy: unknown key (did you mean key?)}). The records'
 * {@code @JsonCreator} factories apply the defaults and check their own keys; this adds where the record sits.
 */
final class ConfigBinder {
  private static final String BASE_DIR = "grpc-edge.config-folder";
  private static final ObjectReader READER = reader();

  private ConfigBinder() {}

  /** Binds {@code yaml}; relative paths resolve against {@code baseDir}. */
  static GatewayConfig bind(String yaml, Path baseDir) {
    try {
      ObjectReader reader = READER.withAttribute(BASE_DIR, baseDir);
      JsonNode tree = yaml.isBlank() ? null : reader.readTree(yaml);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        // An empty document (or one that is only comments) is every default.
        tree = JsonNodeFactory.instance.objectNode();
      }
      if (!tree.isObject()) {
        throw new ConfigException("(root)", "expected a mapping of keys to values");
      }
      KnownKeys.check(tree, GatewayConfig.class, "");
      return reader.readValue(tree);
    } catch (JacksonException e) {
      throw explain(e);
    } catch (IOException e) {
      throw new ConfigException("cannot read: " + e.getMessage());
    }
  }

  private static ObjectReader reader() {
    SimpleModule scalars = new SimpleModule("grpc-edge config scalars")
        .addDeserializer(Duration.class, new Scalar<>(Durations::parse))
        .addDeserializer(ListenAddress.class, new Scalar<>(ListenAddress::parse))
        .addDeserializer(Path.class, new JsonDeserializer<>() {
          @Override
          public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            return text == null || text.isBlank() ? null
                : ((Path) ctxt.getAttribute(BASE_DIR)).resolve(text.trim()).normalize();
          }
        });
    return YAMLMapper.builder()
        // YAML 1.2: only true and false are booleans; yes, no, on and off are the words written (YAML 1.1 would
        // turn client_auth: yes into "got 'true'", a value nobody wrote).
        .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
        // A key written twice would leave its value to the order of the file.
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .addModule(scalars)
        .build()
        .readerFor(GatewayConfig.class);
  }

  /** A scalar parsed from its text, with the parser's message as the reason. */
  private static final class Scalar<T> extends JsonDeserializer<T> {
    private final java.util.function.Function<String, T> parse;

    Scalar(java.util.function.Function<String, T> parse) {
      this.parse = parse;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue()) {
        throw new ConfigException("expected a single value");
      }
      try {
        return parse.apply(p.getValueAsString());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
    }
  }

  private static ConfigException explain(JacksonException e) {
    if (!(e instanceof JsonMappingException mapping)) {
      return syntax(e);
    }
    String path = path(mapping.getPath());
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ConfigException config) {
        return config.under(path);
      }
    }
    if (e instanceof UnrecognizedPropertyException unknown) {
      Collection<String> known = unknown.getKnownPropertyIds().stream().map(String::valueOf).toList();
      return new ConfigException(path, "unknown key" + Suggestions.didYouMean(unknown.getPropertyName(), known));
    }
    if (e instanceof InvalidFormatException format) {
      return new ConfigException(path, expected(format.getTargetType()) + ", got '" + format.getValue() + "'");
    }
    if (e instanceof MismatchedInputException mismatch) {
      return new ConfigException(path.isEmpty() ? "(root)" : path, shape(mismatch.getTargetType()));
    }
    if (e.getCause() instanceof IllegalArgumentException invalid) {
      return new ConfigException(path, invalid.getMessage());
    }
    return new ConfigException(path, mapping.getOriginalMessage());
  }

  /** {@code auth.issuers[0].keys}: the way a user names a key. */
  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : references) {
      if (r.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String expected(Class<?> type) {
    if (type != null && type.isEnum()) {
      return "expected one of " + Arrays.stream(type.getEnumConstants())
          .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).collect(Collectors.toList());
    }
    if (type == Boolean.class || type == boolean.class) {
      return "expected true or false";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "expected a whole number";
    }
    return "expected a " + (type == null ? "different value" : type.getSimpleName());
  }

  private static String shape(Class<?> type) {
    if (type != null && (Collection.class.isAssignableFrom(type) || type.isArray())) {
      return "expected a list";
    }
    if (type != null && (type.isRecord() || Map.class.isAssignableFrom(type))) {
      return "expected a mapping of keys to values";
    }
    return "expected a single value";
  }

  /** Not YAML at all: where, and what the parser says. */
  private static ConfigException syntax(JacksonException e) {
    if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
      return new ConfigException("line " + (yaml.getProblemMark().getLine() + 1) + ", column "
          + (yaml.getProblemMark().getColumn() + 1) + ": not valid YAML: " + yaml.getProblem());
    }
    JsonLocation at = e.getLocation();
    String message = e.getOriginalMessage();
    if (message != null && message.startsWith("Duplicate field")) {
      message = "found duplicate key " + message.replaceAll("^Duplicate field '(.*)'.*$", "$1");
    }
    return new ConfigException((at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ")
        + "not valid YAML: " + message);
  }
}
