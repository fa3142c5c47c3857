package dev.grpcedge.bench.cli;

import dev.grpcedge.cli.CommandLines;
import dev.grpcedge.observe.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The load generator's command line: {@code bench} (and its sub-commands) and {@code bench-server}. */
@Command(
    name = "grpc-edge",
    mixinStandardHelpOptions = true,
    versionProvider = CommandLines.Version.class,
    description = "grpc-edge's load generator and the bare server it is measured against.",
    subcommands = {BenchCommand.class, BenchServerCommand.class, CommandLine.HelpCommand.class})
public final class BenchMain {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests and {@link #main}). */
  public static int run(String... args) {
    Logging.bridgeJavaUtilLogging();
    return CommandLines.configure(new CommandLine(new BenchMain())).execute(args);
  }
}
