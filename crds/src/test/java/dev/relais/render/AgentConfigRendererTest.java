package dev.relais.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.model.Manifests;
import dev.relais.render.AgentConfigRenderer.Rendered;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rendering is pure and stable: each example renders to its committed golden file. To accept an
 * intended change, run with {@code -Drelais.golden.update=true} and review the diff.
 */
class AgentConfigRendererTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  @ParameterizedTest
  @ValueSource(strings = {"tutorial", "active-active"})
  void exampleRendersToItsGoldenFile(String example) throws IOException {
    Manifests m = Manifests.parse(Files.readString(Path.of("../examples", example + ".yaml")));
    var cluster = m.routerClusters().getFirst();
    cluster.getMetadata().setNamespace("routers");
    cluster.getMetadata().setGeneration(3L);

    Rendered rendered = AgentConfigRenderer.render(cluster, m.secrets().getFirst());

    String yaml = AgentConfigs.toYaml(((Rendered.Ok) rendered).config());
    Path golden = GOLDEN.resolve(example + ".agentconfig.yaml");
    if (Boolean.getBoolean("relais.golden.update")) {
      Files.writeString(golden, yaml);
    }
    assertThat(yaml).isEqualTo(Files.readString(golden));
  }

  @Test
  void renderedConfigReadsBackToTheSameModel() throws IOException {
    String text = Files.readString(Path.of("../examples/tutorial.yaml"));
    var fromManifests = (AgentConfigs.Result.Ok) AgentConfigs.read(text, "routers");
    Manifests m = Manifests.parse(text);
    var cluster = m.routerClusters().getFirst();
    cluster.getMetadata().setNamespace("routers");
    var config =
        ((Rendered.Ok) AgentConfigRenderer.render(cluster, m.secrets().getFirst())).config();

    var fromRendered =
        (AgentConfigs.Result.Ok) AgentConfigs.read(AgentConfigs.toYaml(config), "ignored");

    assertThat(fromRendered.clusters().getFirst().model())
        .isEqualTo(fromManifests.clusters().getFirst().model());
    assertThat(fromRendered.clusters().getFirst().keys().get("1"))
        .isEqualTo("a8f5f167f44f4964e6c998dee827110c".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aMissingSecretOrActiveKeyIsAReadableError() throws IOException {
    Manifests m = Manifests.parse(Files.readString(Path.of("../examples/tutorial.yaml")));
    var cluster = m.routerClusters().getFirst();
    assertThat(((Rendered.Invalid) AgentConfigRenderer.render(cluster, null)).summary())
        .isEqualTo("spec.authSecretRef.name: Secret tutorial-auth not found");
    var secret = m.secrets().getFirst();
    secret.setStringData(Map.of("2", "0123456789abcdef0123"));
    assertThat(((Rendered.Invalid) AgentConfigRenderer.render(cluster, secret)).summary())
        .isEqualTo("spec.authSecretRef.activeKeyId: Secret tutorial-auth has no key '1'");
    secret.setStringData(Map.of("1", "short"));
    assertThat(((Rendered.Invalid) AgentConfigRenderer.render(cluster, secret)).summary())
        .contains("key '1' has 5 bytes; at least 16");
  }

  @Test
  void aBadFileIsRejectedWithAReasonNotAnException() {
    assertThat(AgentConfigs.read("{{{", "ns")).isInstanceOf(AgentConfigs.Result.Rejected.class);
    assertThat(AgentConfigs.read("", "ns"))
        .isEqualTo(new AgentConfigs.Result.Rejected("no document in the file"));
    assertThat(AgentConfigs.read("kind: ConfigMap\napiVersion: v1\n", "ns"))
        .isInstanceOf(AgentConfigs.Result.Rejected.class);
  }
}
