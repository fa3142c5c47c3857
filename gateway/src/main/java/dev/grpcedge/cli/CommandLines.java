package dev.grpcedge.cli;

import dev.grpcedge.config.Durations;
import dev.grpcedge.config.Suggestions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every sub-command parses and fails: durations as {@code 500ms} or {@code 10s}, a usage error in two lines
 * with exit code 2 (never a stack trace or a page of help), and an unexpected failure in one line with exit code 1
 * ({@code GRPC_EDGE_DEBUG=1} shows its stack trace).
 */
public final class CommandLines {
  static final String DEBUG_ENV = "GRPC_EDGE_DEBUG";

  private CommandLines() {}

  /** Applies the grpc-edge conventions to {@code commandLine} and its sub-commands. */
  public static CommandLine configure(CommandLine commandLine) {
    return commandLine
        .setCaseInsensitiveEnumValuesAllowed(true)
        .registerConverter(Duration.class, CommandLines::duration)
        .setParameterExceptionHandler(CommandLines::usageError)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e);
          if (System.getenv(DEBUG_ENV) != null) {
            e.printStackTrace(cmd.getErr());
          }
          return 1;
        });
  }

  private static Duration duration(String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    String hint = "";
    if (e instanceof UnmatchedArgumentException unmatched) {
      hint = unmatched.getUnmatched().stream().filter(a -> a.startsWith("-")).findFirst()
          .map(a -> Suggestions.didYouMean(a.replaceFirst("=.*", ""), cmd.getCommandSpec().optionsMap().keySet()))
          .orElse("");
    }
    err.println(name + ": " + e.getMessage() + hint);
    err.println("See '" + name + " --help'.");
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** The project's version, written into the jar by the build. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties build = new Properties();
      try (InputStream in = Version.class.getResourceAsStream("/grpc-edge-version.properties")) {
        if (in != null) {
          build.load(in);
        }
      }
      return new String[] {"grpc-edge " + build.getProperty("version", "(unknown version: built without Maven)")};
    }
  }
}
