package dev.relais.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.render.AgentConfigs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every rejection path that sees a key, run with one known key: the agent's config reader (YAML
 * errors on the key's own line, wrong types), the authkeys parser (each malformed line) and the
 * whole import command's output. No message may hold the key or any eight bytes of it.
 */
class KeyLeakTest {
  private static final String KEY = "Zq7xLEAKEDkeyMaterial9f3W";

  @TempDir Path tmp;
  private final List<String> output = new ArrayList<>();

  private static final String CLUSTER =
      """
      ---
      apiVersion: relais.dev/v1alpha1
      kind: RouterCluster
      metadata: {name: leak}
      spec:
        nodes:
          - {name: maitre, addresses: ["192.0.2.1"]}
          - {name: esclave, addresses: ["192.0.2.2"]}
        vipGroups:
          - name: gateway
            preferredNode: maitre
            addresses: [{address: 192.0.2.10/24, interface: eth0}]
        authSecretRef: {name: auth, activeKeyId: "%s"}
      """;

  private void read(String secret, String activeKeyId) {
    var result = AgentConfigs.read(secret + CLUSTER.formatted(activeKeyId), "test");
    assertThat(result).as(secret).isInstanceOf(AgentConfigs.Result.Rejected.class);
    output.add(((AgentConfigs.Result.Rejected) result).reason());
  }

  private static String secret(String stringData) {
    return "apiVersion: v1\nkind: Secret\nmetadata: {name: auth}\nstringData:\n" + stringData;
  }

  @Test
  void theAgentConfigReaderNeverQuotesAKey() {
    read(secret("  \"1\": \"" + KEY + "\n"), "1"); // unterminated quote on the key's line
    read(secret("  \"1\": " + KEY + ": more\n"), "1"); // a second colon on the key's line
    read(secret("  \"1\": [" + KEY + "]\n"), "1"); // a list where a string belongs
    read(secret("  \"1\": {k: " + KEY + "}\n"), "1"); // a mapping where a string belongs
    read(secret("  \"1\": \"" + KEY + "\"\n\t\"2\": x\n"), "1"); // a tab after the key's line
    read(secret("  \"1\": \"" + KEY + "\"\n"), "7"); // the active key is not in the Secret
    read(secret("  \"1\": \"" + KEY.substring(0, 10) + "\"\n  \"2\": \"" + KEY + "\"\n"), "1");
    read(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: auth}\ndata:\n  \"1\": \"" + KEY + "!\"\n",
        "1"); // not base64
    assertNoKey();
  }

  @Test
  void theAuthkeysParserNeverQuotesAKey() {
    for (String text :
        List.of(
            "auth 1\n1 sha1" + KEY + "\n",
            "auth 1\n1 rot13 " + KEY + "\n",
            "auth 1\n1 sha1 " + KEY + " extra\n",
            "auth 1\n1sha1 " + KEY + "\n",
            "auth 2\n1 sha1 " + KEY + "\n",
            "auth 1\n1 sha1 " + KEY + "\n1 md5 " + KEY + "\n",
            "auth " + KEY + "\n1 sha1 " + KEY + "\n",
            KEY + "\n")) {
      var parsed = AuthkeysParser.parse(text);
      assertThat(parsed.diagnostics()).as(text).isNotEmpty();
      parsed.diagnostics().forEach(d -> output.add(d.toString()));
    }
    assertNoKey();
  }

  @Test
  void theImportCommandPrintsNoKeyWhateverIsWrongWithAuthkeys() throws IOException {
    for (String authkeys :
        List.of(
            "auth 1\n1 sha1" + KEY + "\n",
            "auth 1\n1 rot13 " + KEY + "\n",
            "auth 3\n1 sha1 " + KEY + "\n",
            "auth 1\n1 md5 " + KEY.substring(0, 9) + "\n2 sha1 " + KEY + "\n")) {
      Path dir = Fixtures.copy("tutorial", Files.createTempDirectory(tmp, "import"));
      Files.writeString(dir.resolve("authkeys"), authkeys);
      var out = new StringWriter();
      var err = new StringWriter();
      CommandLine cli =
          RelaisCommand.commandLine(
              Fixtures.resolver(Map.of("maitre", "192.168.200.11")), Fixtures.seeded());
      cli.setOut(new PrintWriter(out));
      cli.setErr(new PrintWriter(err));
      int code = cli.execute("import", "--name", "tutorial", dir.toString());
      assertThat(code).as(authkeys).isNotZero();
      output.add(out.toString());
      output.add(err.toString());
    }
    assertNoKey();
  }

  private void assertNoKey() {
    assertThat(output).isNotEmpty();
    for (String text : output) {
      for (int i = 0; i + 8 <= KEY.length(); i++) {
        assertThat(text).as("a message quotes the key").doesNotContain(KEY.substring(i, i + 8));
      }
    }
  }
}
