package dev.relais.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.render.AgentConfigs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code relais import} end to end on a directory, as bin/relais runs it. */
class ImportCommandTest {
  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli =
        RelaisCommand.commandLine(
            Fixtures.resolver(Map.of("maitre", "192.168.200.11")), Fixtures.seeded());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void printsYamlTheStandaloneAgentAcceptsAsItIs() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);

    int code = run("import", "--name", "tutorial", dir.toString());

    assertThat(code).isZero();
    String yaml = out.toString();
    assertThat(yaml).startsWith("# Imported from heartbeat's configuration in " + dir);
    assertThat(yaml).contains("kind: \"Secret\"").contains("kind: \"RouterCluster\"");
    var read = AgentConfigs.read(yaml, "routers");
    assertThat(read).isInstanceOf(AgentConfigs.Result.Ok.class);
    assertThat(((AgentConfigs.Result.Ok) read).clusters().getFirst().model().clusterId())
        .contains("tutorial");
    assertThat(err.toString()).startsWith("authkeys:1: note: Relais signs heartbeats");
  }

  @Test
  void authkeysReadableByOthersIsAnErrorAndNothingIsPrinted() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    Files.setPosixFilePermissions(
        dir.resolve("authkeys"), PosixFilePermissions.fromString("rw-r--r--"));

    int code = run("import", dir.toString());

    assertThat(code).isEqualTo(ImportCommand.FAILED);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .contains("authkeys: error: mode rw-r--r-- lets group or others read the keys")
        .contains("chmod 600")
        .contains("relais import: 1 error in " + dir + "; nothing imported");
  }

  @Test
  void aMissingFileIsNamed() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    Files.delete(dir.resolve("haresources"));

    assertThat(run("import", dir.toString())).isEqualTo(ImportCommand.FAILED);
    assertThat(err.toString()).contains("haresources: error: not found in " + dir);
  }

  @Test
  void warningsTravelAsCommentsWithTheYaml() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    Files.writeString(
        dir.resolve("ha.cf"), "serial /dev/ttyS0\n", java.nio.file.StandardOpenOption.APPEND);

    assertThat(run("import", dir.toString())).isZero();
    assertThat(out.toString()).contains("# ha.cf:11: warning: serial is not mapped");
    assertThat(run("import", "--strict", dir.toString())).isEqualTo(ImportCommand.FAILED);
  }

  @Test
  void aMissingDirectoryArgumentIsAUsageError() {
    assertThat(run("import")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter: 'DIR'");
  }
}
