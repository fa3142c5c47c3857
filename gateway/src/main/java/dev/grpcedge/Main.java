package dev.grpcedge;

import dev.grpcedge.cli.CallCommand;
import dev.grpcedge.cli.CommandLines;
import dev.grpcedge.cli.GreeterCommand;
import dev.grpcedge.cli.HealthCommand;
import dev.grpcedge.cli.ServeCommand;
import dev.grpcedge.cli.TokenCommand;
import dev.grpcedge.observe.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code grpc-edge} command line. */
@Command(
    name = "grpc-edge",
    mixinStandardHelpOptions = true,
    versionProvider = CommandLines.Version.class,
    description = "A secured public-edge gRPC gateway: TLS, OAuth2 bearer JWTs, rotating certificates.",
    subcommands = {ServeCommand.class, TokenCommand.class, CallCommand.class, HealthCommand.class,
        GreeterCommand.class, CommandLine.HelpCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests and {@link #main}). */
  public static int run(String... args) {
    Logging.bridgeJavaUtilLogging();
    return CommandLines.configure(new CommandLine(new Main())).execute(args);
  }
}
