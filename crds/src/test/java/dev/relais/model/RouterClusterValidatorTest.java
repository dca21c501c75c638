package dev.relais.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.Rules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What the validator reports where a real API server skips its CEL rules; ValidationAgreementTest
 * holds the rest.
 */
class RouterClusterValidatorTest {
  private static RouterClusterSpec tutorial() throws IOException {
    return Manifests.parse(Files.readString(Path.of("../examples/tutorial.yaml")))
        .routerClusters()
        .getFirst()
        .getSpec();
  }

  @Test
  void missingNodesAreReportedAloneSinceTheServerThenSkipsEveryRule() throws IOException {
    RouterClusterSpec spec = tutorial();
    spec.nodes = null;
    assertThat(RouterClusterValidator.validate(spec))
        .containsExactly(
            new Violation("spec.nodes", "Required value"),
            new Violation("spec", Rules.RULES_NOT_CHECKED));
  }

  @Test
  void missingVipGroupsSkipEvenARuleThatDoesNotMentionThem() throws IOException {
    RouterClusterSpec spec = tutorial();
    spec.vipGroups.clear();
    spec.heartbeat.deadTimeMs = spec.heartbeat.keepaliveMs;
    assertThat(RouterClusterValidator.validate(spec))
        .containsExactly(
            new Violation("spec.vipGroups", "Required value"),
            new Violation("spec", Rules.RULES_NOT_CHECKED));
  }

  @Test
  void aNameRepeatedInNodesIsADuplicateValueAndBreaksTheUniquenessRule() throws IOException {
    RouterClusterSpec spec = tutorial();
    spec.nodes.get(1).name = "maitre";
    assertThat(RouterClusterValidator.validate(spec))
        .containsExactly(
            new Violation("spec.nodes[1]", "Duplicate value: {\"name\":\"maitre\"}"),
            new Violation("spec", Rules.NODES_UNIQUE_MSG));
  }
}
