package dev.relais.cli;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code relais}: the command line's entry point (bin/relais runs this class). */
@Command(
    name = "relais",
    mixinStandardHelpOptions = true,
    version = "relais 0.1.0",
    description = "Relais: high availability for bare-metal Linux routers.")
public final class RelaisCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing command: try 'relais import DIR'");
  }

  /** The command tree with its effects handed in: tests pass a fixed resolver and random source. */
  public static CommandLine commandLine(NameResolver resolver, RandomGenerator random) {
    return new CommandLine(new RelaisCommand())
        .addSubcommand(new ImportCommand(resolver, random))
        .setParameterExceptionHandler(RelaisCommand::usageError);
  }

  /**
   * picocli's own handling (message, then suggestions or usage, then the invalid-input exit code),
   * except that the message, which quotes the arguments, is escaped onto one line as every
   * diagnostic is.
   */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(OneLine.escape(String.valueOf(e.getMessage())));
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) cmd.usage(err);
    err.flush();
    return cmd.getExitCodeExceptionMapper() != null
        ? cmd.getExitCodeExceptionMapper().getExitCode(e)
        : cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  public static void main(String[] args) {
    System.exit(commandLine(NameResolver.system(), new SecureRandom()).execute(args));
  }
}
