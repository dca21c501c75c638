package dev.relais.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.render.AgentConfigs.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Agent N reading what operator N+1 renders: a new optional field runs, a new version or a value it
 * cannot know is refused with a reason, and the user's own YAML stays strict.
 */
class AgentConfigVersioningTest {
  private static String golden() throws IOException {
    return Files.readString(Path.of("src/test/resources/golden/tutorial.agentconfig.yaml"));
  }

  @Test
  void aRenderedDocumentWithUnknownOptionalFieldsRunsAndNamesThem() throws IOException {
    String newer =
        golden()
            .replace("kind: \"AgentConfig\"\n", "kind: \"AgentConfig\"\nrenderedBy: \"v9\"\n")
            .replace(
                "    transport: \"Unicast\"\n",
                "    transport: \"Unicast\"\n    pacing:\n      burst: 4\n      windowMs: 300\n")
            .replace(
                "  activeKeyId: \"1\"\n  keys:", "  activeKeyId: \"1\"\n  rotation: {}\n  keys:");

    var ok = (Result.Ok) AgentConfigs.read(newer, "ns");
    var plain = (Result.Ok) AgentConfigs.read(golden(), "ns");

    assertThat(ok.clusters().getFirst().model()).isEqualTo(plain.clusters().getFirst().model());
    assertThat(ok.clusters().getFirst().ignoredFields())
        .containsExactlyInAnyOrder("renderedBy", "spec.heartbeat.pacing", "keys.rotation");
    assertThat(plain.clusters().getFirst().ignoredFields()).isEmpty();
  }

  @Test
  void anotherDocumentVersionIsRefusedBeforeItsFieldsAreRead() throws IOException {
    String v2 =
        golden()
            .replace("apiVersion: \"relais.dev/v1alpha1\"", "apiVersion: \"relais.dev/v2\"")
            .replace("  nodes:\n", "  members:\n");

    assertThat(((Result.Rejected) AgentConfigs.read(v2, "ns")).reason())
        .isEqualTo(
            "AgentConfig apiVersion 'relais.dev/v2' is not one this agent runs (it runs"
                + " relais.dev/v1alpha1/AgentConfig): upgrade the agent");
  }

  @Test
  void aValueThisVersionCannotKnowIsRefused() throws IOException {
    String newTransport = golden().replace("transport: \"Unicast\"", "transport: \"UnicastQuic\"");

    assertThat(((Result.Rejected) AgentConfigs.read(newTransport, "ns")).reason())
        .endsWith(
            "spec.heartbeat.transport: 'UnicastQuic' is not one of [Unicast, Broadcast, Multicast]");
  }

  @Test
  void aRouterClusterWrittenByHandStaysStrict() throws IOException {
    String text =
        Files.readString(Path.of("../examples/tutorial-fast.yaml"))
            .replace("policy: Auto", "policy: Auto\n    dampnig: {}");

    assertThat(((Result.Rejected) AgentConfigs.read(text, "ns")).reason())
        .contains("spec.failback.dampnig: unknown field");
  }
}
