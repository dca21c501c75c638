package dev.relais.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * {@code relais import} against input written by an attacker or a careless operator: what is piped
 * to {@code kubectl apply} holds the two objects and nothing else, no key is echoed, stderr stays
 * plain text.
 */
class HostileInputTest {
  /**
   * What YAML 1.1 and 1.2 parsers take for a line break (ha.cf splits on CR and LF itself), then
   * what they refuse in a stream and an escape sequence a terminal would act on.
   */
  private static final List<String> BREAKS =
      List.of("\u2028", "\u2029", "\u0085", "\u000b", "\u000c", "\u001b[2J");

  private static final String KEY = "SuperSecretKeyMaterial-4f9c2b7e";

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

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardOpenOption.APPEND);
  }

  /** A ClusterRoleBinding written on one ha.cf line, its line breaks replaced by {@code sep}. */
  private static String smuggled(String sep) {
    return String.join(
        sep,
        "cluster x",
        "---",
        "apiVersion: rbac.authorization.k8s.io/v1",
        "kind: ClusterRoleBinding",
        "metadata: {name: pwned}",
        "injected: true",
        "# ");
  }

  @Test
  void aCraftedConfigurationCannotAddADocumentOrAKeyToTheYaml() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp.resolve("etc\n---\r\nkind: Evil\u2028x: y"));
    for (String sep : BREAKS) append(dir.resolve("ha.cf"), smuggled(sep) + "\n");
    append(
        dir.resolve("haresources"),
        "esclave IPaddr2::192.168.200.20/24/enp0s3 Other\u2028---\u2028kind:\u2028Evil\n");

    assertThat(run("import", "--name", "tutorial", dir.toString())).isZero();

    String yaml = out.toString();
    // YAML 1.1 (SnakeYAML, as kubectl's go-yaml) and YAML 1.2 (snakeyaml-engine) agree
    List<Object> docs = yaml11(yaml);
    List<Object> docs12 = new ArrayList<>();
    new Load(LoadSettings.builder().build()).loadAllFromString(yaml).forEach(docs12::add);
    assertThat(docs12).isEqualTo(docs);
    assertTwoObjects(docs);
    assertThat(yaml)
        .doesNotContain("ClusterRoleBinding\n")
        .contains("\\u2028kind: ClusterRoleBinding");
    // each header line is one comment
    String header = yaml.substring(0, yaml.indexOf("---\n"));
    assertThat(header.lines()).allMatch(l -> l.startsWith("# ")).hasSizeGreaterThan(BREAKS.size());
    assertThat(header).satisfies(HostileInputTest::plain);
    assertThat(err.toString()).satisfies(HostileInputTest::plain).contains("\\u001b[2J");
  }

  @Test
  void lineSeparatorsInValuesStayInsideTheirQuotedScalars() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    append(
        dir.resolve("haresources"),
        "esclave IPaddr2::192.168.200.20/24/e\u2028kind:x IPaddr2::192.168.200.21/24/f\u0085y\n");
    Files.writeString(dir.resolve("authkeys"), "auth 1\n1 sha1 0123456789abcdef\u2028x:\u0085y\n");

    assertThat(run("import", "--name", "tutorial", dir.toString())).isZero();

    // (snakeyaml-engine 3.0.1 rejects the \L escape the emitter writes for U+2028: an error,
    // never an extra key; YAML 1.1 parsers and libyaml read it.)
    List<Object> docs = yaml11(out.toString());
    assertTwoObjects(docs);
    assertThat(map(docs.get(0)).get("stringData"))
        .isEqualTo(Map.of("1", "0123456789abcdef\u2028x:\u0085y"));
    assertThat(out.toString())
        .contains("label: \"e\\Lkind:x\"", "interface: \"e\\Lkind\"", "interface: \"f\\Ny\"");
  }

  private static List<Object> yaml11(String yaml) {
    List<Object> docs = new ArrayList<>();
    new Yaml().loadAll(yaml).forEach(docs::add);
    return docs;
  }

  /** Exactly the Secret and the RouterCluster, each with its own top-level keys only. */
  private static void assertTwoObjects(List<Object> docs) {
    assertThat(docs).hasSize(2);
    Map<String, Object> secret = map(docs.get(0));
    Map<String, Object> cluster = map(docs.get(1));
    assertThat(secret)
        .containsOnlyKeys("apiVersion", "kind", "metadata", "type", "stringData")
        .containsEntry("kind", "Secret");
    assertThat(map(secret.get("metadata"))).containsOnlyKeys("name", "labels");
    assertThat(cluster)
        .containsOnlyKeys("apiVersion", "kind", "metadata", "spec")
        .containsEntry("kind", "RouterCluster")
        .containsEntry("metadata", Map.of("name", "tutorial"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object document) {
    return (Map<String, Object>) document;
  }

  /**
   * Printable ASCII and ordinary letters, one line per '\n': nothing a parser or terminal acts on.
   */
  private static void plain(String text) {
    assertThat(text.codePoints())
        .allMatch(
            c -> c == '\n' || (c >= 0x20 && c < 0x7f) || (c >= 0xa0 && Character.isLetter(c)));
  }

  @Test
  void aMistypedAuthkeysLineNeverShowsItsKey() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    Files.writeString(
        dir.resolve("authkeys"),
        String.join(
            "\n",
            "auth 1",
            "1 sha1" + KEY,
            "1sha1 " + KEY,
            "2 MD5" + KEY,
            "3 " + KEY,
            "4 " + KEY + " sha1",
            "99 sha1 " + KEY,
            "5 crc " + KEY,
            "auth" + KEY,
            KEY,
            "6 sha256 " + KEY,
            "7 sha1 short " + KEY,
            ""));

    assertThat(run("import", dir.toString())).isEqualTo(ImportCommand.FAILED);

    assertThat(out.toString()).isEmpty();
    assertThat(err.toString())
        .contains("authkeys:2: error: the method sha1 runs into the text after it")
        .doesNotContain(KEY)
        .doesNotContain("SuperSecret")
        .doesNotContain("4f9c2b7e");
    for (int line = 2; line <= 12; line++)
      assertThat(err.toString()).contains("authkeys:" + line + ": ");
  }

  @Test
  void argumentsAreEscapedInUsageErrors() {
    assertThat(run("import", "--bogus\u001b]0;pwned\u0007", "x\u2028y")).isEqualTo(2);
    assertThat(err.toString())
        .satisfies(HostileInputTest::plain)
        .contains("--bogus\\u001b]0;pwned\\u0007");
  }

  @Test
  void thirtyTwoThousandResourceGroupsStopAtTheLimitAtOnce() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    StringBuilder hr = new StringBuilder();
    for (int i = 0; i < 32_000; i++) {
      hr.append("maitre 10.").append(i >> 8).append('.').append(i & 0xff).append(".1/24/eth0\n");
    }
    Files.writeString(dir.resolve("haresources"), hr);

    int code =
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run("import", dir.toString()));

    assertThat(code).isEqualTo(ImportCommand.FAILED);
    assertThat(err.toString())
        .contains(
            "haresources:33: error: resource group 33 with an address: a RouterCluster holds at"
                + " most 32 VIP groups; the rest of haresources is not read");
  }

  @Test
  void filesOfOneMebibyteUnderEveryLimitAreStillReadAtOnce() throws IOException {
    // A guard against quadratic work: numbering aliases by a scan from 0 for each address took
    // 36 s for 32,000 lines. What no limit stops: thousands of directives and resources.
    StringBuilder haCf = new StringBuilder(Fixtures.text("tutorial", "ha.cf"));
    for (int i = 0; haCf.length() < HeartbeatDirectory.MAX_FILE_BYTES - 100; i++) {
      haCf.append("ping 10.").append(i >> 8 & 0xff).append('.').append(i & 0xff).append(".1\n");
      haCf.append("bcast e").append(i).append("\nudpport 694\n");
    }
    StringBuilder haresources = new StringBuilder("maitre IPaddr::192.168.200.10/24/enp0s3 \\\n");
    for (int i = 0; haresources.length() < HeartbeatDirectory.MAX_FILE_BYTES / 2; i++) {
      haresources.append("httpd").append(i).append(" \\\n");
    }
    haresources.append("x\n");
    for (int i = 0; haresources.length() < HeartbeatDirectory.MAX_FILE_BYTES - 100; i++) {
      haresources.append("esclave Other").append(i).append('\n');
    }
    HeartbeatSources sources =
        HeartbeatSources.of(
            haCf.toString(), Fixtures.text("tutorial", "authkeys"), haresources.toString());

    ImportResult result =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                ClusterImporter.importConfig(
                    sources, ImportOptions.defaults(), Fixtures.NO_NAMES, Fixtures.seeded()));

    assertThat(result).isInstanceOf(ImportResult.Failed.class);
    assertThat(result.diagnostics()).hasSizeGreaterThan(50_000);
  }
}
