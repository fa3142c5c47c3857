package dev.grpcedge.config;

import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Parses config YAML into maps, lists and scalars. Only {@code true} and {@code false} are booleans, as in YAML
 * 1.2: YAML 1.1 also reads {@code yes}, {@code no}, {@code on} and {@code off} as booleans, so
 * {@code client_auth: yes} would be reported as "got 'true'", a value the user never wrote.
 */
final class YamlText {
  private static final Pattern BOOLEAN = Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$");

  private YamlText() {}

  /** The document, or a ConfigException with the line, the column and what is wrong there. */
  static Object parse(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
        options, new Yaml12Booleans());
    try {
      return yaml.load(text);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where = mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
      String what = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw new ConfigException(where + "not valid YAML: " + what);
    } catch (YAMLException e) {
      throw new ConfigException("not valid YAML: " + e.getMessage());
    }
  }

  /** The default resolver but for booleans, which are YAML 1.2's. */
  private static final class Yaml12Booleans extends Resolver {
    @Override
    public void addImplicitResolver(org.yaml.snakeyaml.nodes.Tag tag, Pattern regexp, String first, int limit) {
      if (org.yaml.snakeyaml.nodes.Tag.BOOL.equals(tag)) {
        super.addImplicitResolver(tag, BOOLEAN, "tTfF", limit);
      } else {
        super.addImplicitResolver(tag, regexp, first, limit);
      }
    }
  }
}
