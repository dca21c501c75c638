package dev.relais.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.api.v1alpha1.FailbackPolicy;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.Transport;
import dev.relais.api.v1alpha1.VipSpec;
import dev.relais.model.Manifests;
import dev.relais.model.RouterClusterTranslator;
import dev.relais.model.RouterClusterValidator;
import dev.relais.model.Translation;
import dev.relais.render.AgentConfigRenderer;
import dev.relais.render.AgentConfigs;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The two fixtures of issue 16, imported and checked field by field, then round-tripped. */
class ImportFixturesTest {
  private static ImportResult.Imported imported(ImportResult result) {
    assertThat(result.diagnostics()).noneMatch(Diagnostic::isError);
    return (ImportResult.Imported) result;
  }

  @Test
  void theTutorialImportsFieldByField() throws IOException {
    var result =
        imported(
            ClusterImporter.importConfig(
                Fixtures.sources("tutorial"),
                new ImportOptions(Optional.of("tutorial"), Optional.empty(), Map.of(), true, false),
                Fixtures.NO_NAMES,
                Fixtures.seeded()));
    RouterCluster rc = result.cluster();
    assertThat(rc.getApiVersion()).isEqualTo("relais.dev/v1alpha1");
    assertThat(rc.getKind()).isEqualTo("RouterCluster");
    assertThat(rc.getMetadata().getName()).isEqualTo("tutorial");
    assertThat(rc.getMetadata().getNamespace()).isNull();
    var spec = rc.getSpec();
    assertThat(spec.nodes).extracting(n -> n.name).containsExactly("maitre", "esclave");
    assertThat(spec.nodes)
        .allSatisfy(
            n -> {
              assertThat(n.priority).isNull();
              assertThat(n.addresses).isNull();
            });
    assertThat(spec.vipGroups)
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.name).isEqualTo("vip-192-168-200-10");
              assertThat(g.preferredNode).isEqualTo("maitre");
              assertThat(g.requestedNode).isNull();
              assertThat(g.addresses)
                  .singleElement()
                  .satisfies(
                      v -> {
                        assertThat(v.address).isEqualTo("192.168.200.10/24");
                        assertThat(v.iface).isEqualTo("enp0s3");
                        assertThat(v.label).isEqualTo("enp0s3:0");
                      });
            });
    assertThat(spec.authSecretRef.name).isEqualTo("tutorial-auth");
    assertThat(spec.authSecretRef.activeKeyId).isEqualTo("1");
    assertThat(spec.heartbeat.keepaliveMs).isEqualTo(2000);
    assertThat(spec.heartbeat.deadTimeMs).isEqualTo(10000);
    assertThat(spec.heartbeat.warnTimeMs).isEqualTo(6000);
    assertThat(spec.heartbeat.initDeadMs).isEqualTo(60000);
    assertThat(spec.heartbeat.port).isEqualTo(694);
    assertThat(spec.heartbeat.transport).isEqualTo(Transport.Broadcast);
    assertThat(spec.heartbeat.interfaces).containsExactly("enp0s3");
    assertThat(spec.heartbeat.multicastGroup).isNull();
    assertThat(spec.heartbeat.multicastTtl).isNull();
    assertThat(spec.failback.policy).isEqualTo(FailbackPolicy.Auto);
    assertThat(spec.failback.delayMs).isNull();
    assertThat(spec.health).isNull();
    assertThat(spec.standby).isNull();
    assertThat(spec.announce).isNull();
    assertThat(spec.addressLifetimeSeconds).isNull();

    Secret secret = result.secret();
    assertThat(secret.getMetadata().getName()).isEqualTo("tutorial-auth");
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(secret.getMetadata().getLabels()).containsEntry("relais.dev/auth", "true");
    assertThat(secret.getData()).isNullOrEmpty();
    assertThat(secret.getStringData())
        .containsExactly(Map.entry("1", "a8f5f167f44f4964e6c998dee827110c"));
    // --strict passed: the tutorial has nothing unmappable; only the HMAC-SHA256 note remains.
    assertThat(result.diagnostics())
        .singleElement()
        .satisfies(d -> assertThat(d.toString()).startsWith("authkeys:1: note: Relais signs"));
  }

  @Test
  void theTutorialRoundTripsThroughValidationRenderingAndTheStandaloneReader() throws IOException {
    var result =
        imported(
            ClusterImporter.importConfig(
                Fixtures.sources("tutorial"),
                ImportOptions.defaults(),
                Fixtures.NO_NAMES,
                Fixtures.seeded()));
    String yaml = Manifests.toYaml(List.of(result.secret(), result.cluster()));

    Manifests back = Manifests.parse(yaml);
    RouterCluster cluster = back.routerClusters().getFirst();
    assertThat(RouterClusterValidator.validate(cluster.getSpec())).isEmpty();
    assertThat(RouterClusterTranslator.translate(cluster)).isInstanceOf(Translation.Valid.class);
    assertThat(AgentConfigRenderer.render(cluster, back.secrets().getFirst()))
        .isInstanceOf(AgentConfigRenderer.Rendered.Ok.class);

    var read = AgentConfigs.read(yaml, "routers");
    assertThat(read).isInstanceOf(AgentConfigs.Result.Ok.class);
    var loaded = ((AgentConfigs.Result.Ok) read).clusters().getFirst();
    assertThat(loaded.activeKeyId()).isEqualTo("1");
    assertThat(new String(loaded.keys().get("1"), java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("a8f5f167f44f4964e6c998dee827110c");
  }

  @Test
  void everyDirectiveFixtureImportsAndRoundTrips() throws IOException {
    var result =
        imported(
            ClusterImporter.importConfig(
                Fixtures.sources("every-directive"),
                new ImportOptions(
                    Optional.of("edge"),
                    Optional.of("routers"),
                    Map.of("gamma", "10.0.0.3"),
                    false,
                    false),
                Fixtures.resolver(Map.of("alpha", "10.0.0.1", "beta", "10.0.0.2")),
                Fixtures.seeded()));
    var spec = result.cluster().getSpec();
    assertThat(result.cluster().getMetadata().getNamespace()).isEqualTo("routers");
    assertThat(result.secret().getMetadata().getNamespace()).isEqualTo("routers");
    assertThat(spec.heartbeat.keepaliveMs).isEqualTo(500);
    assertThat(spec.heartbeat.warnTimeMs).isEqualTo(1500);
    assertThat(spec.heartbeat.deadTimeMs).isEqualTo(3000);
    assertThat(spec.heartbeat.initDeadMs).isEqualTo(20000);
    assertThat(spec.heartbeat.port).isEqualTo(695);
    assertThat(spec.heartbeat.transport).isEqualTo(Transport.Unicast);
    assertThat(spec.heartbeat.interfaces).isNull();
    assertThat(spec.nodes)
        .extracting(n -> n.name + "=" + n.addresses)
        .containsExactly("alpha=[10.0.0.1]", "beta=[10.0.0.2]", "gamma=[10.0.0.3]");
    assertThat(spec.failback.policy).isEqualTo(FailbackPolicy.Never);
    assertThat(spec.health.pingTargets).containsExactly("192.168.1.254");
    assertThat(spec.health.pingGroups)
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.name).isEqualTo("uplinks");
              assertThat(g.targets).containsExactly("192.168.1.253", "192.168.1.252");
            });
    assertThat(spec.vipGroups)
        .extracting(g -> g.name + "@" + g.preferredNode)
        .containsExactly(
            "vip-192-168-10-10@alpha", "vip-192-168-20-10@beta", "vip-192-168-10-20@gamma");
    assertThat(spec.vipGroups.get(0).addresses)
        .extracting(ImportFixturesTest::vip)
        .containsExactly("192.168.10.10/24 eth0 eth0:0", "192.168.10.11/24 eth0 eth0:1");
    assertThat(spec.vipGroups.get(1).addresses)
        .extracting(ImportFixturesTest::vip)
        .containsExactly(
            "192.168.20.10/24 eth1 eth1:web",
            "192.168.20.11/24 eth1 null",
            "192.168.20.12/24 eth1 null");
    assertThat(spec.vipGroups.get(2).addresses)
        .extracting(ImportFixturesTest::vip)
        .containsExactly("192.168.10.20/24 eth0 eth0:2");

    assertThat(spec.authSecretRef.activeKeyId).isEqualTo("2");
    var keys = result.secret().getStringData();
    assertThat(keys).containsOnlyKeys("1", "2", "3");
    assertThat(keys.get("1")).isEqualTo("md5-key-0123456789");
    assertThat(keys.get("2")).isEqualTo("sha1-key-0123456789");
    assertThat(keys.get("3")).matches("[0-9a-f]{64}"); // crc had no key: a random one

    // Never silently dropped: bcast, mcast (second transport), httpd and crc are warnings.
    assertThat(result.diagnostics())
        .filteredOn(d -> d.severity() == Diagnostic.Severity.WARNING)
        .extracting(d -> d.file() + ":" + d.line())
        .containsExactly("ha.cf:10", "ha.cf:11", "authkeys:5", "haresources:3");

    String yaml = Manifests.toYaml(List.of(result.secret(), result.cluster()));
    assertThat(AgentConfigs.read(yaml, "ignored")).isInstanceOf(AgentConfigs.Result.Ok.class);
  }

  private static String vip(VipSpec v) {
    return v.address + " " + v.iface + " " + v.label;
  }
}
