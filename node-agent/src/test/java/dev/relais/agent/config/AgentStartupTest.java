package dev.relais.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.AgentMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A config or state directory the agent cannot use ends its start with one line and exit 2. */
class AgentStartupTest {
  @TempDir Path dir;

  private record Exit(int code, String stderr) {}

  private Exit run(Path config, Path stateDir) {
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(new AgentMain())
            .setErr(new PrintWriter(err, true))
            .execute(
                "--config",
                config.toString(),
                "--state-dir",
                stateDir.toString(),
                "--node",
                "maitre",
                "--metrics-address",
                "off");
    return new Exit(code, err.toString());
  }

  @Test
  void aMissingConfigFileEndsWithOneLine() {
    Path config = dir.resolve("cfg.yaml");

    Exit exit = run(config, dir.resolve("state"));

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderr())
        .isEqualTo("relais-agent: config " + config + " not usable: no such file or directory\n");
  }

  @Test
  void aMissingConfigDirectoryEndsWithOneLine() {
    Path config = dir.resolve("no-such-dir").resolve("cfg.yaml");

    Exit exit = run(config, dir.resolve("state"));

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderr())
        .isEqualTo("relais-agent: config " + config + " not usable: no such file or directory\n");
  }

  @Test
  void aStateDirThatIsAFileEndsWithOneLine() throws IOException {
    Path config = Files.writeString(dir.resolve("cfg.yaml"), ConfigTexts.rendered(1));
    Path stateDir = Files.writeString(dir.resolve("state"), "not a directory");

    Exit exit = run(config, stateDir);

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderr())
        .isEqualTo(
            "relais-agent: --state-dir "
                + stateDir
                + " is not usable: exists and is not a directory\n");
  }

  @Test
  void aStateDirUnderAFileEndsWithOneLine() throws IOException {
    Path config = Files.writeString(dir.resolve("cfg.yaml"), ConfigTexts.rendered(1));
    Path stateDir = Files.writeString(dir.resolve("file"), "x").resolve("state");

    Exit exit = run(config, stateDir);

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderr())
        .startsWith("relais-agent: --state-dir " + stateDir + " is not usable: ")
        .hasLineCount(1);
  }
}
