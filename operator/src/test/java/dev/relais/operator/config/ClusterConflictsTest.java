package dev.relais.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.operator.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterConflictsTest {
  static RouterCluster cluster(String name, String created, String vip, String maitreAddress) {
    RouterCluster rc = Fixtures.tutorial("edge", name);
    rc.getMetadata().setCreationTimestamp(created);
    rc.getSpec().vipGroups.getFirst().addresses.getFirst().address = vip;
    rc.getSpec().nodes.set(0, new NodeSpec("maitre", 200, List.of(maitreAddress)));
    rc.getSpec()
        .nodes
        .set(1, new NodeSpec("esclave", 100, List.of(maitreAddress.replaceAll("\\d+$", "99"))));
    return rc;
  }

  static ClusterConflicts.Claims claims(RouterCluster rc) {
    return ClusterConflicts.Claims.of(rc);
  }

  @Test
  void theSameVipInTwoClustersHoldsTheYoungerOne() {
    var old = claims(cluster("a", "2026-12-01T00:00:00Z", "10.0.0.10/24", "10.0.0.1"));
    var young = claims(cluster("b", "2026-12-02T00:00:00Z", "10.0.0.10/24", "10.0.1.1"));
    assertThat(ClusterConflicts.find(young, List.of(old, young), id -> false))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.other()).isEqualTo("edge/a");
              assertThat(c.detail()).isEqualTo("VIP 10.0.0.10");
              assertThat(c.held()).isTrue();
            });
    assertThat(ClusterConflicts.find(old, List.of(old, young), id -> false))
        .singleElement()
        .satisfies(c -> assertThat(c.held()).isFalse());
  }

  @Test
  void aClusterAgentsAlreadyRunWinsOverAnOlderOneNotYetRendered() {
    var older = claims(cluster("a", "2026-12-01T00:00:00Z", "10.0.0.10/24", "10.0.0.1"));
    var running = claims(cluster("b", "2026-12-02T00:00:00Z", "10.0.0.10/24", "10.0.1.1"));
    assertThat(ClusterConflicts.find(older, List.of(running), "edge/b"::equals))
        .singleElement()
        .satisfies(c -> assertThat(c.held()).isTrue());
  }

  @Test
  void oneNodesHeartbeatSocketInTwoClustersConflicts() {
    var a = claims(cluster("a", "2026-12-01T00:00:00Z", "10.0.0.10/24", "10.0.0.1"));
    var b = claims(cluster("b", "2026-12-02T00:00:00Z", "10.0.9.10/24", "10.0.0.1"));
    assertThat(ClusterConflicts.find(b, List.of(a), id -> false))
        .singleElement()
        .satisfies(c -> assertThat(c.detail()).contains("heartbeat socket maitre 10.0.0.1:694"));
  }

  @Test
  void distinctVipsAndSocketsDoNotConflict() {
    var a = claims(cluster("a", "2026-12-01T00:00:00Z", "10.0.0.10/24", "10.0.0.1"));
    var b = claims(cluster("b", "2026-12-02T00:00:00Z", "10.0.9.10/24", "10.0.9.1"));
    assertThat(ClusterConflicts.find(b, List.of(a, b), id -> false)).isEmpty();
  }
}
