package dev.relais.cli;

import dev.relais.model.Manifests;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code relais import DIR}: prints the RouterCluster and auth Secret equivalent to a heartbeat
 * directory as YAML on stdout; every diagnostic goes to stderr. Exit 0 when imported, 1 when not
 * (then stdout stays empty), 2 for a usage error.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Reads heartbeat's ha.cf, authkeys and haresources from DIR (e.g. /etc/ha.d) and prints the"
          + " equivalent RouterCluster and auth Secret as YAML, ready for kubectl apply or"
          + " the standalone agent's --config.",
      "Whatever cannot be mapped is listed on stderr with its file and line."
    },
    exitCodeOnInvalidInput = 2,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:imported", "1:not imported (see the errors)", "2:usage error"})
public final class ImportCommand implements Callable<Integer> {
  static final int FAILED = 1;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "heartbeat's directory, e.g. /etc/ha.d")
  Path dir;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "RouterCluster name (default: ha.cf's cluster, else heartbeat); the Secret is NAME-auth")
  String name;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "namespace of both objects (default: none, kubectl's current one)")
  String namespace;

  @Option(
      names = "--node-address",
      paramLabel = "NAME=IP",
      description =
          "heartbeat address of a node; maps ucast peers to nodes where names do not resolve"
              + " (repeatable)")
  Map<String, String> nodeAddresses = new LinkedHashMap<>();

  @Option(names = "--strict", description = "treat what cannot be mapped as an error")
  boolean strict;

  @Option(
      names = "--generate-key",
      description =
          "replace authkeys keys shorter than 16 bytes with random ones (every node then needs"
              + " the new Secret)")
  boolean generateKey;

  private final NameResolver resolver;
  private final RandomGenerator random;

  ImportCommand(NameResolver resolver, RandomGenerator random) {
    this.resolver = resolver;
    this.random = random;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ImportOptions options =
        new ImportOptions(
            Optional.ofNullable(name),
            Optional.ofNullable(namespace),
            nodeAddresses,
            strict,
            generateKey);
    ImportResult result =
        ClusterImporter.importConfig(HeartbeatDirectory.read(dir), options, resolver, random);
    result.diagnostics().forEach(d -> err.println(d));
    switch (result) {
      case ImportResult.Imported(var cluster, var secret, var diagnostics) -> {
        out.print(header(diagnostics));
        out.print(Manifests.toYaml(List.of(secret, cluster)));
        out.flush();
        return 0;
      }
      case ImportResult.Failed failed -> {
        long errors = failed.diagnostics().stream().filter(Diagnostic::isError).count();
        err.println(
            "relais import: "
                + errors
                + (errors == 1 ? " error" : " errors")
                + " in "
                + OneLine.escape(dir.toString())
                + "; nothing imported");
        err.flush();
        return FAILED;
      }
    }
  }

  /**
   * Comments above the YAML, so the warnings travel with the file into git. Each is one line:
   * {@link OneLine} escapes every character a YAML parser reads as a line break, so no text from
   * the input can end a comment and add a key or a document.
   */
  private String header(List<Diagnostic> diagnostics) {
    StringBuilder h = new StringBuilder();
    h.append("# Imported from heartbeat's configuration in ")
        .append(OneLine.escape(dir.toString()))
        .append(" by relais import.\n");
    h.append("# The Secret holds the heartbeat keys: keep this file as private as authkeys.\n");
    diagnostics.stream()
        .filter(d -> d.severity() == Diagnostic.Severity.WARNING)
        .forEach(d -> h.append("# ").append(d).append('\n'));
    return h.toString();
  }
}
