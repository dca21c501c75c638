package dev.relais.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.model.Manifests;
import dev.relais.render.AgentConfigs.Result;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent's own reading of config files (SnakeYAML + {@link YamlBinder}) agrees with the
 * operator's Jackson reading, names the line and field of a mistake, and loads no Jackson data
 * binding and no fabric8 model.
 */
class AgentConfigsTest {
  private static final ObjectMapper JACKSON =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static String example(String name) throws IOException {
    return Files.readString(Path.of("../examples", name + ".yaml"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tutorial", "tutorial-fast", "active-active"})
  void examplesReadAsJacksonAndTheRendererReadThem(String name) throws IOException {
    String text = example(name);
    Manifests m = Manifests.parse(text);
    var cluster = m.routerClusters().getFirst();
    cluster.getMetadata().setNamespace("routers");
    AgentConfig byJackson =
        ((AgentConfigRenderer.Rendered.Ok)
                AgentConfigRenderer.render(cluster, m.secrets().getFirst()))
            .config();

    var ours = (Result.Ok) AgentConfigs.read(text, "routers");
    var rendered = (Result.Ok) AgentConfigs.read(AgentConfigs.toYaml(byJackson), "ignored");

    assertThat(ours.clusters()).hasSize(1);
    assertThat(ours.clusters().getFirst().model())
        .isEqualTo(rendered.clusters().getFirst().model());
    assertThat(ours.clusters().getFirst().keys().keySet())
        .isEqualTo(rendered.clusters().getFirst().keys().keySet());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tutorial", "tutorial-fast", "active-active"})
  void theBinderFillsTheSpecAsJacksonDoes(String name) throws Exception {
    for (var doc : YamlBinder.documents(example(name))) {
      if (!YamlBinder.text(doc, "kind").equals("RouterCluster")) continue;
      var spec = YamlBinder.value(YamlBinder.mapping(doc, ""), "spec");
      RouterClusterSpec ours = YamlBinder.bind(spec, RouterClusterSpec.class, "spec");
      JsonNode tree = JACKSON.readTree(example(name).split("(?m)^---$")[1]).get("spec");
      RouterClusterSpec theirs = JACKSON.treeToValue(tree, RouterClusterSpec.class);
      assertThat(JACKSON.valueToTree(ours).toString())
          .isEqualTo(JACKSON.valueToTree(theirs).toString());
    }
  }

  @Test
  void goldenAgentConfigsReadBack() throws IOException {
    for (String name : List.of("tutorial", "active-active")) {
      String text =
          Files.readString(Path.of("src/test/resources/golden", name + ".agentconfig.yaml"));
      assertThat(AgentConfigs.read(text, "ns")).isInstanceOf(Result.Ok.class);
    }
  }

  /**
   * "line N": where the example holds {@code needle}, plus {@code below} for a line added under.
   */
  private static String line(String text, String needle, int below) {
    int at = text.indexOf(needle);
    assertThat(at).as(needle).isNotNegative();
    return "line " + (1 + below + text.substring(0, at).chars().filter(c -> c == '\n').count());
  }

  @Test
  void mistakesNameTheLineAndTheField() throws IOException {
    String text = example("tutorial-fast");
    // Line numbers of the example's own lines, so its comments can change.
    String keepalive = line(text, "keepaliveMs: 5", 0);
    assertThat(reason(text.replace("keepaliveMs: 5", "keepaliveMS: 5")))
        .startsWith(keepalive + ": spec.heartbeat.keepaliveMS: unknown field (known: deadTimeMs,")
        .contains("keepaliveMs");
    assertThat(reason(text.replace("keepaliveMs: 5", "keepaliveMs: fast")))
        .isEqualTo(keepalive + ": spec.heartbeat.keepaliveMs: 'fast' is not a whole number");
    assertThat(reason(text.replace("keepaliveMs: 5", "keepaliveMs: 5.5")))
        .isEqualTo(keepalive + ": spec.heartbeat.keepaliveMs: '5.5' is not a whole number");
    assertThat(reason(text.replace("keepaliveMs: 5", "keepaliveMs: \"5\"")))
        .isEqualTo(keepalive + ": spec.heartbeat.keepaliveMs: must be of type integer: \"string\"");
    assertThat(reason(text.replace("policy: Auto", "policy: auto")))
        .isEqualTo(
            line(text, "policy: Auto", 0)
                + ": spec.failback.policy: 'auto' is not one of [Auto, Never, Delayed]");
    assertThat(reason(text.replace("deadTimeMs: 20", "deadTimeMs: 20\n    deadTimeMs: 30")))
        .isEqualTo(line(text, "deadTimeMs: 20", 1) + ": spec.heartbeat.deadTimeMs: given twice");
    String peerAddresses = "addresses: [\"192.168.200.12\"]";
    assertThat(reason(text.replace(peerAddresses, "addresses: 192.168.200.12")))
        .isEqualTo(
            line(text, peerAddresses, 0)
                + ": spec.nodes[1].addresses: expected a list, got a single value");
    assertThat(reason(text.replace("kind: RouterCluster", "kind: RouterCluster\nfoo: bar")))
        .isEqualTo(
            line(text, "kind: RouterCluster", 1)
                + ": foo: unknown field (known: apiVersion, kind, metadata, spec, status)");
    assertThat(reason(text.replace("    keepaliveMs: 5", "\tkeepaliveMs: 5")))
        .startsWith("not valid YAML: ")
        .contains(keepalive + ", column 1");
    assertThat(reason("kind: ConfigMap\napiVersion: v1\n"))
        .isEqualTo("document 1: kind 'ConfigMap' is neither RouterCluster nor Secret");
  }

  @Test
  void typesComeFromTheFieldsNotFromYamlGuessing() throws IOException {
    String text =
        example("tutorial-fast")
            .replace(
                "  name: tutorial-fast\n", "  name: 1234\n  generation: 7\n  labels: {a: b}\n");
    var ok = (Result.Ok) AgentConfigs.read(text, "ns");
    assertThat(ok.clusters().getFirst().model().clusterId()).isEqualTo("ns/1234");
    assertThat(ok.clusters().getFirst().model().generation()).isEqualTo(7);
    assertThat(ok.clusters().getFirst().model().timing().keepalive().toMillis()).isEqualTo(5);
  }

  private static final String GOLDEN_KEYS =
      """
      keys:
        activeKeyId: "1"
        keys:
          "1": "YThmNWYxNjdmNDRmNDk2NGU2Yzk5OGRlZTgyNzExMGM="
      """;

  /** The golden rendered tutorial with its keys section replaced. */
  private static String renderedWithKeys(String keys) throws IOException {
    String text = Files.readString(Path.of("src/test/resources/golden/tutorial.agentconfig.yaml"));
    assertThat(text).endsWith(GOLDEN_KEYS);
    return text.substring(0, text.length() - GOLDEN_KEYS.length()) + keys;
  }

  private static String keys(String active, String... idsAndKeys) {
    StringBuilder out = new StringBuilder("keys:\n  activeKeyId: \"" + active + "\"\n  keys:\n");
    for (int i = 0; i < idsAndKeys.length; i += 2) {
      out.append("    \"").append(idsAndKeys[i]).append("\": \"").append(idsAndKeys[i + 1]);
      out.append("\"\n");
    }
    return out.toString();
  }

  private static final String GOOD_KEY = "YThmNWYxNjdmNDRmNDk2NGU2Yzk5OGRlZTgyNzExMGM=";
  // 15 bytes ("short-key-mater"), one less than MIN_KEY_BYTES.
  private static final String SHORT_KEY = "c2hvcnQta2V5LW1hdGVy";

  @Test
  void theGoldenKeysSectionIsWhatTheseTestsReplace() throws IOException {
    assertThat(AgentConfigs.read(renderedWithKeys(keys("1", "1", GOOD_KEY)), "ns"))
        .isInstanceOf(Result.Ok.class);
  }

  @Test
  void aRenderedKeyShorterThanTheMinimumIsRejectedWithoutShowingIt() throws IOException {
    assertThat(java.util.Base64.getDecoder().decode(SHORT_KEY))
        .hasSize(AgentConfigRenderer.MIN_KEY_BYTES - 1);
    String reason = reason(renderedWithKeys(keys("1", "1", SHORT_KEY)));
    assertThat(reason)
        .isEqualTo(
            "AgentConfig routers/tutorial: key '1' has 15 bytes; at least 16 are needed for"
                + " HMAC-SHA256")
        .doesNotContain(SHORT_KEY)
        .doesNotContain("short-key");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "256", "-1", "01", "1.0", ""})
  void aRenderedKeyIdOutsideZeroTo255IsRejected(String id) throws IOException {
    assertThat(reason(renderedWithKeys(keys("1", "1", GOOD_KEY, id, GOOD_KEY))))
        .isEqualTo(
            "AgentConfig routers/tutorial: key id '"
                + id
                + "' must be a key number 0-255 (heartbeat's authkeys N)")
        .doesNotContain(GOOD_KEY);
  }

  @Test
  void aRenderedKeyThatIsNotBase64IsRejectedWithoutShowingIt() throws IOException {
    String notBase64 = "not-base64-secret!";
    assertThat(reason(renderedWithKeys(keys("1", "1", notBase64))))
        .isEqualTo("AgentConfig routers/tutorial: key '1' is not valid base64")
        .doesNotContain("secret");
  }

  @Test
  void aRenderedActiveKeyThatIsNotListedIsRejected() throws IOException {
    assertThat(reason(renderedWithKeys(keys("2", "1", GOOD_KEY))))
        .isEqualTo("AgentConfig routers/tutorial: active key '2' missing");
  }

  @Test
  void aRenderedDocumentWithoutKeysIsRejected() throws IOException {
    assertThat(reason(renderedWithKeys("keys:\n  activeKeyId: \"1\"\n  keys: {}\n")))
        .isEqualTo("AgentConfig routers/tutorial: keys: no heartbeat key");
    assertThat(reason(renderedWithKeys("")))
        .isEqualTo("AgentConfig routers/tutorial: keys: no heartbeat key");
  }

  @Test
  void everyKeyProblemIsNamedAtOnce() throws IOException {
    assertThat(reason(renderedWithKeys(keys("7", "1", SHORT_KEY, "x", GOOD_KEY))))
        .isEqualTo(
            "AgentConfig routers/tutorial: key '1' has 15 bytes; at least 16 are needed for"
                + " HMAC-SHA256; key id 'x' must be a key number 0-255 (heartbeat's authkeys N);"
                + " active key '7' missing");
  }

  private static String reason(String text) {
    return ((Result.Rejected) AgentConfigs.read(text, "ns")).reason();
  }

  /** Run in a fresh JVM: what the agent's reading loads (this test class itself loads Jackson). */
  public static final class ReadOnce {
    public static void main(String[] args) throws IOException {
      Result result = AgentConfigs.read(Files.readString(Path.of(args[0])), "ns");
      if (!(result instanceof Result.Ok)) throw new IllegalStateException(result.toString());
    }
  }

  @Test
  void readingLoadsNoJacksonDataBindingAndNoFabric8Model() throws Exception {
    Path log = Files.createTempFile("relais-classes", ".log");
    try {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xshare:off",
                  "-Xlog:class+load:file=" + log + "::filecount=0",
                  "-cp",
                  System.getProperty("java.class.path"),
                  ReadOnce.class.getName(),
                  new File("../examples/tutorial-fast.yaml").getAbsolutePath())
              .inheritIO()
              .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      List<String> lines = Files.readAllLines(log);
      assertThat(lines)
          .as("the class log shows the reading")
          .anyMatch(l -> l.contains("YamlBinder"));
      List<String> loaded =
          lines.stream()
              .filter(l -> l.contains("com.fasterxml.jackson.") || l.contains("io.fabric8."))
              // Annotation types, loaded when the binder reads @JsonProperty: a few small classes.
              .filter(l -> !l.contains("com.fasterxml.jackson.annotation."))
              .filter(l -> !l.contains("io.fabric8.generator.annotation."))
              .toList();
      assertThat(loaded).isEmpty();
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
