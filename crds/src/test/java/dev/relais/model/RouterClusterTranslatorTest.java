package dev.relais.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.api.v1alpha1.DampingSpec;
import dev.relais.api.v1alpha1.FailbackPolicy;
import dev.relais.api.v1alpha1.Transport;
import dev.relais.render.ConfigObjects;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouterClusterTranslatorTest {
  private static Manifests example(String file) throws IOException {
    return Manifests.parse(Files.readString(Path.of("../examples", file)));
  }

  @Test
  void tutorialExampleBecomesTheTutorialsCluster() throws IOException {
    Manifests m = example("tutorial.yaml");
    var cr = m.routerClusters().getFirst();
    cr.getMetadata().setNamespace("routers");

    ClusterModel model = ((Translation.Valid) RouterClusterTranslator.translate(cr)).model();

    assertThat(model.clusterId()).isEqualTo("routers/tutorial");
    assertThat(model.nodes()).extracting(Node::name).containsExactly("maitre", "esclave");
    assertThat(model.node("maitre").orElseThrow().addresses())
        .containsExactly(InetAddress.ofLiteral("192.168.200.11"));
    VirtualIp vip = model.vipGroups().getFirst().vips().getFirst();
    assertThat(vip.cidr()).isEqualTo("192.168.200.10/24");
    assertThat(vip.iface()).isEqualTo("enp0s3");
    assertThat(vip.label()).contains("enp0s3:0");
    assertThat(model.vipGroups().getFirst().preferredNode()).isEqualTo("maitre");
    assertThat(model.timing().keepalive()).isEqualTo(Duration.ofSeconds(2));
    assertThat(model.timing().warnTime()).isEqualTo(Duration.ofSeconds(6));
    assertThat(model.timing().deadTime()).isEqualTo(Duration.ofSeconds(10));
    assertThat(model.timing().initDead()).isEqualTo(Duration.ofSeconds(60));
    assertThat(model.timing().port()).isEqualTo(694);
    assertThat(model.timing().transport()).isEqualTo(Transport.Unicast);
    assertThat(model.failback().policy()).isEqualTo(FailbackPolicy.Auto);
    assertThat(model.auth()).isEqualTo(new AuthRef("tutorial-auth", "1"));
    assertThat(m.secrets().getFirst().getStringData()).containsKey("1");
  }

  @Test
  void heartbeatsDerivedDefaultsApplyWhenTimersAreOmitted() throws IOException {
    var cr = example("tutorial.yaml").routerClusters().getFirst();
    cr.getSpec().heartbeat = null;
    ClusterModel model = ((Translation.Valid) RouterClusterTranslator.translate(cr)).model();
    assertThat(model.timing().keepalive()).isEqualTo(Duration.ofSeconds(1));
    assertThat(model.timing().deadTime()).isEqualTo(Duration.ofSeconds(5));
    assertThat(model.timing().warnTime()).isEqualTo(Duration.ofMillis(2500));
    assertThat(model.timing().initDead()).isEqualTo(Duration.ofSeconds(10));
    assertThat(model.addressLifetime()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void activeActiveExampleHasOneGroupPreferringEachRouter() throws IOException {
    var cr = example("active-active.yaml").routerClusters().getFirst();
    ClusterModel model = ((Translation.Valid) RouterClusterTranslator.translate(cr)).model();
    assertThat(model.vipGroups())
        .extracting(VipGroup::preferredNode)
        .containsExactly("rtr-a", "rtr-b");
    assertThat(model.failback().delay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(model.health().pingGroups().getFirst().targets()).hasSize(2);
    assertThat(model.vipGroups().getFirst().vips().get(1).label()).isEqualTo(Optional.empty());
  }

  @Test
  void flapDampingIsOnByDefaultWithAWindowOfFourDeadTimes() throws IOException {
    var cr = example("tutorial.yaml").routerClusters().getFirst();
    ClusterModel model = ((Translation.Valid) RouterClusterTranslator.translate(cr)).model();
    assertThat(model.failback().damping())
        .isEqualTo(new Failback.Damping(true, 3, Duration.ofSeconds(40)));
  }

  @Test
  void flapDampingTakesTheSpecsMovesWindowAndSwitch() throws IOException {
    var cr = example("tutorial.yaml").routerClusters().getFirst();
    cr.getSpec().failback.damping = new DampingSpec(false, 5, 120_000);
    ClusterModel model = ((Translation.Valid) RouterClusterTranslator.translate(cr)).model();
    assertThat(model.failback().damping())
        .isEqualTo(new Failback.Damping(false, 5, Duration.ofMinutes(2)));
  }

  @Test
  void flapDampingOutsideItsBoundsIsRejectedNamingTheField() throws IOException {
    var cr = example("tutorial.yaml").routerClusters().getFirst();
    cr.getSpec().failback.damping = new DampingSpec(true, 0, 0);
    Translation.Invalid invalid = (Translation.Invalid) RouterClusterTranslator.translate(cr);
    assertThat(invalid.violations())
        .containsExactly(
            new Violation("spec.failback.damping.moves", "must be between 1 and 100"),
            new Violation("spec.failback.damping.windowMs", "must be between 1 and 86400000"));
  }

  @Test
  void anInvalidClusterListsEveryProblemReadably() throws IOException {
    var cr = example("tutorial.yaml").routerClusters().getFirst();
    cr.getSpec().nodes.get(1).name = "maitre";
    cr.getSpec().heartbeat.deadTimeMs = 3000;
    Translation.Invalid invalid = (Translation.Invalid) RouterClusterTranslator.translate(cr);
    assertThat(invalid.summary())
        .contains("spec: node names must be unique")
        .contains("spec.heartbeat: deadTimeMs must be more than twice keepaliveMs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tutorial.yaml", "tutorial-fast.yaml", "active-active.yaml"})
  void everyExampleAuthSecretCarriesTheLabelTheOperatorWatches(String file) throws IOException {
    assertThat(example(file).secrets())
        .isNotEmpty()
        .allSatisfy(
            s ->
                assertThat(s.getMetadata().getLabels())
                    .containsEntry(ConfigObjects.AUTH_LABEL, "true"));
  }

  @Test
  void addressesAreParsedStrictlyWithoutLookups() {
    assertThat(Addresses.parse("10.1")).isEmpty();
    assertThat(Addresses.parse("router.example")).isEmpty();
    assertThat(Addresses.parse("fe80::1")).isPresent();
    assertThat(Addresses.parseCidr("fd00::1/129")).isEmpty();
    assertThat(Addresses.parseCidr("192.168.1.1/33")).isEmpty();
    assertThat(Addresses.parseCidr("192.168.1.1/32")).isPresent();
  }

  @Test
  void anIpv6AddressWithAZoneIdIsNoAddress() {
    assertThat(Addresses.parse("fe80::1%eth0")).isEmpty();
    assertThat(Addresses.parse("fe80::1%2")).isEmpty();
    assertThat(Addresses.parse("[fe80::1]")).isEmpty();
    assertThat(Addresses.parseCidr("fe80::1%eth0/64")).isEmpty();
  }

  @Test
  void aManifestWithATypoIsRejectedWithTheFieldName() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Manifests.parse(
                    "apiVersion: relais.dev/v1alpha1\nkind: RouterCluster\nmetadata: {name: x}\nspec: {nodez: []}\n"))
        .hasMessageContaining("nodez");
  }
}
