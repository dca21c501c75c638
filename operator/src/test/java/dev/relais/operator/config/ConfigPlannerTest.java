package dev.relais.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.operator.Fixtures;
import dev.relais.operator.status.ClusterEvent;
import dev.relais.render.AgentConfigs;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigPlannerTest {
  static final byte[] SALT = new byte[32];
  final RouterCluster cluster = Fixtures.tutorial("edge", "tutorial");

  ConfigPlanner.Plan plan(
      Secret auth, Optional<ConfigPlanner.Published> current, Map<String, String> reported) {
    return ConfigPlanner.plan(
        cluster,
        new ConfigPlanner.AuthLookup.Found(auth),
        Set.of(),
        current,
        reported,
        List.of(),
        SALT);
  }

  ConfigPlanner.Published published(ConfigPlanner.Plan p) {
    ConfigPlanner.Publish pub = p.publish().orElseThrow();
    return new ConfigPlanner.Published(pub.document(), pub.revision(), pub.salt());
  }

  static String active(ConfigPlanner.Plan p) {
    var ok =
        (AgentConfigs.Result.Ok) AgentConfigs.read(p.publish().orElseThrow().document(), "edge");
    return ok.clusters().getFirst().activeKeyId();
  }

  Secret keys(Map<String, String> keys) {
    return Fixtures.authSecret("edge", "tutorial-auth", keys);
  }

  @Test
  void theSameInputsRenderTheSameRevision() {
    var a = plan(keys(Map.of("1", Fixtures.KEY_1)), Optional.empty(), Map.of());
    var b = plan(keys(Map.of("1", Fixtures.KEY_1)), Optional.of(published(a)), Map.of());
    assertThat(b.publish().orElseThrow().revision())
        .isEqualTo(a.publish().orElseThrow().revision());
    assertThat(b.events()).isEmpty();
  }

  @Test
  void aRotationWhoseOldKeyLeftTheSecretIsRenderedAtOnceWithAWarning() {
    var first = plan(keys(Map.of("1", Fixtures.KEY_1)), Optional.empty(), Map.of());
    cluster.getSpec().authSecretRef.activeKeyId = "2";
    var next = plan(keys(Map.of("2", Fixtures.KEY_2)), Optional.of(published(first)), Map.of());
    assertThat(active(next)).isEqualTo("2");
    assertThat(next.health().rotationWaitingFor()).isNull();
    assertThat(next.events()).extracting(ClusterEvent::reason).contains("KeyRotationUnstaged");
  }

  @Test
  void aKeyChangedUnderTheSameIdWarns() {
    var first = plan(keys(Map.of("1", Fixtures.KEY_1)), Optional.empty(), Map.of());
    var next = plan(keys(Map.of("1", Fixtures.KEY_2)), Optional.of(published(first)), Map.of());
    assertThat(next.events()).extracting(ClusterEvent::reason).contains("KeyChangedInPlace");
    assertThat(next.events())
        .allSatisfy(e -> assertThat(e.message()).doesNotContain(Fixtures.KEY_1, Fixtures.KEY_2));
  }

  @Test
  void aStagedRotationWaitsForTheReachableNodesOnly() {
    var first = plan(keys(Map.of("1", Fixtures.KEY_1)), Optional.empty(), Map.of());
    cluster.getSpec().authSecretRef.activeKeyId = "2";
    Secret both = keys(Map.of("1", Fixtures.KEY_1, "2", Fixtures.KEY_2));
    var staged =
        plan(
            both,
            Optional.of(published(first)),
            Map.of("maitre", first.publish().orElseThrow().revision()));
    assertThat(active(staged)).isEqualTo("1");
    assertThat(staged.health().rotationWaitingFor()).isEqualTo("maitre");
    String stagedRevision = staged.publish().orElseThrow().revision();
    // esclave is unreachable (left out of the map): only maitre is waited for.
    var done = plan(both, Optional.of(published(staged)), Map.of("maitre", stagedRevision));
    assertThat(active(done)).isEqualTo("2");
    assertThat(done.health().rotationWaitingFor()).isNull();
    var after = plan(both, Optional.of(published(done)), Map.of("maitre", stagedRevision));
    assertThat(active(after)).isEqualTo("2");
  }

  @Test
  void aHeldConflictRendersNothingAndNamesTheOtherCluster() {
    var held =
        ConfigPlanner.plan(
            cluster,
            new ConfigPlanner.AuthLookup.Found(keys(Map.of("1", Fixtures.KEY_1))),
            Set.of(),
            Optional.empty(),
            Map.of(),
            List.of(new ClusterConflicts.Conflict("edge/other", "VIP 192.168.200.10", true)),
            SALT);
    assertThat(held.publish()).isEmpty();
    assertThat(held.health().problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.reason()).isEqualTo("ConflictHeld");
              assertThat(p.message()).contains("edge/other", "VIP 192.168.200.10");
            });
  }

  @Test
  void aShortKeyIsAuthKeyInvalidWithoutTheKey() {
    var p = plan(keys(Map.of("1", "short")), Optional.empty(), Map.of());
    assertThat(p.publish()).isEmpty();
    assertThat(p.health().problems())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.reason()).isEqualTo("AuthKeyInvalid");
              assertThat(x.message()).contains("16").doesNotContain("short");
            });
  }
}
