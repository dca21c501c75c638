package dev.relais.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.api.v1alpha1.Condition;
import dev.relais.api.v1alpha1.ConditionStatus;
import dev.relais.api.v1alpha1.DuplicateOwnerStatus;
import dev.relais.api.v1alpha1.NodeState;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterClusterStatus;
import dev.relais.api.v1alpha1.RouterNodeState;
import dev.relais.operator.Fixtures;
import dev.relais.operator.Fixtures.Report;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC);
  static final String REV = "00112233445566aa";
  static final ConfigHealth RENDERED = ConfigHealth.rendered(REV);

  final RouterCluster cluster = Fixtures.tutorial("edge", "tutorial");

  Report report(String node) {
    return new Report("relais", "edge", "tutorial", node).revision(REV);
  }

  StatusAggregator.Aggregate aggregate(List<RouterNodeState> states) {
    return StatusAggregator.aggregate(cluster, states, RENDERED, CLOCK);
  }

  static Condition condition(RouterClusterStatus s, String type) {
    return s.conditions.stream().filter(c -> c.type.equals(type)).findFirst().orElseThrow();
  }

  @Test
  void theMasterReportedHoldsTheGroupAndTheClusterIsReady() {
    var a =
        aggregate(
            List.of(
                report("maitre").at(T0).master("gateway", 3).peer("esclave", true, T0).build(),
                report("esclave").at(T0).backup("gateway", 3).peer("maitre", true, T0).build()));
    assertThat(a.status().activeNode).isEqualTo("maitre");
    assertThat(a.status().vip).isEqualTo("192.168.200.10/24");
    assertThat(a.status().vipGroups.getFirst().epoch).isEqualTo(3);
    assertThat(condition(a.status(), "Ready").status).isEqualTo(ConditionStatus.True);
    assertThat(condition(a.status(), "Degraded").status).isEqualTo(ConditionStatus.False);
    assertThat(condition(a.status(), "Ready").observedGeneration).isEqualTo(1L);
    assertThat(a.events()).isEmpty();
  }

  @Test
  void aPoweredOffOwnersStaleClaimIsSupersededByAPeerThatReportsItUnreachable() {
    cluster.setStatus(
        aggregate(
                List.of(
                    report("maitre").at(T0).master("gateway", 3).build(),
                    report("esclave").at(T0).backup("gateway", 3).build()))
            .status());
    Instant lastHeard = T0.plusSeconds(30);
    var a =
        aggregate(
            List.of(
                report("maitre").at(T0).master("gateway", 3).peer("esclave", true, T0).build(),
                report("esclave")
                    .at(lastHeard.plusSeconds(10))
                    .master("gateway", 4)
                    .peer("maitre", false, lastHeard)
                    .tookOver("gateway", "maitre", "PeerDead", 812, lastHeard.plusSeconds(10))
                    .build()));
    assertThat(a.status().activeNode).isEqualTo("esclave");
    assertThat(a.status().lastFailover.from).isEqualTo("maitre");
    assertThat(a.status().lastFailover.durationMs).isEqualTo(812);
    assertThat(a.events()).extracting(ClusterEvent::reason).containsExactly("Failover");
    assertThat(a.events().getFirst().message()).contains("maitre → esclave", "PeerDead", "812 ms");
    // A dead router degrades the cluster; it does not make it un-Ready (GitOps tools would flag
    // every failover otherwise).
    assertThat(condition(a.status(), "Ready").status).isEqualTo(ConditionStatus.True);
    assertThat(condition(a.status(), "Degraded").status).isEqualTo(ConditionStatus.True);
    assertThat(condition(a.status(), "Degraded").message).contains("maitre: reported unreachable");
    assertThat(condition(a.status(), "SplitBrain").status).isEqualTo(ConditionStatus.False);
    assertThat(a.failovers()).hasSize(1);
  }

  @Test
  void aClaimWithAHigherEpochDoesNotSupersedeAnOwnerThatReportedAfterItWasLastHeard() {
    Instant lastHeard = T0.plusSeconds(30);
    var a =
        aggregate(
            List.of(
                report("maitre").at(lastHeard.plusSeconds(1)).master("gateway", 3).build(),
                report("esclave")
                    .at(lastHeard.plusSeconds(10))
                    .master("gateway", 4)
                    .peer("maitre", false, lastHeard)
                    .build()));
    assertThat(condition(a.status(), "Ready").reason).isEqualTo("OwnerContested");
  }

  @Test
  void twoClaimsWhoseNodesEachReportTheOtherUnreachableAreSplitBrainNotAFailover() {
    cluster.setStatus(
        aggregate(
                List.of(
                    report("maitre").at(T0).master("gateway", 3).build(),
                    report("esclave").at(T0).backup("gateway", 3).build()))
            .status());
    Instant cut = T0.plusSeconds(30);
    var a =
        aggregate(
            List.of(
                report("maitre")
                    .at(cut.plusSeconds(10))
                    .master("gateway", 3)
                    .peer("esclave", false, cut)
                    .build(),
                report("esclave")
                    .at(cut.plusSeconds(10))
                    .master("gateway", 4)
                    .peer("maitre", false, cut)
                    .build()));
    assertThat(condition(a.status(), "SplitBrain").status).isEqualTo(ConditionStatus.True);
    assertThat(condition(a.status(), "Ready").reason).isEqualTo("SplitBrain");
    assertThat(a.events())
        .extracting(ClusterEvent::reason)
        .contains("SplitBrain")
        .doesNotContain("Failover");
    cluster.setStatus(a.status());
    var healed =
        aggregate(
            List.of(
                report("maitre")
                    .at(cut.plusSeconds(20))
                    .master("gateway", 5)
                    .peer("esclave", true, cut.plusSeconds(20))
                    .build(),
                report("esclave")
                    .at(cut.plusSeconds(20))
                    .backup("gateway", 5)
                    .peer("maitre", true, cut.plusSeconds(20))
                    .build()));
    assertThat(healed.events()).extracting(ClusterEvent::reason).contains("SplitBrainEnded");
  }

  @Test
  void aDuplicateOwnerFindingIsSplitBrain() {
    RouterNodeState maitre = report("maitre").at(T0).master("gateway", 3).build();
    maitre.getStatus().duplicateOwner = new DuplicateOwnerStatus();
    maitre.getStatus().duplicateOwner.address = "192.168.200.10";
    var a = aggregate(List.of(maitre, report("esclave").at(T0).backup("gateway", 3).build()));
    assertThat(condition(a.status(), "SplitBrain").status).isEqualTo(ConditionStatus.True);
    assertThat(condition(a.status(), "SplitBrain").message)
        .contains("192.168.200.10 answered twice");
  }

  @Test
  void aListedNodeWithoutAnAgentDegradesTheClusterAndIsReportedOnce() {
    var a = aggregate(List.of(report("maitre").at(T0).master("gateway", 1).build()));
    assertThat(condition(a.status(), "Degraded").reason).isEqualTo("NoAgent");
    assertThat(condition(a.status(), "Degraded").message)
        .contains("esclave: no agent ever reported");
    assertThat(a.status().nodes)
        .filteredOn(n -> n.name.equals("esclave"))
        .singleElement()
        .satisfies(n -> assertThat(n.state).isEqualTo(NodeState.Unknown));
    assertThat(a.events()).extracting(ClusterEvent::reason).containsExactly("NodeWithoutAgent");
    cluster.setStatus(a.status());
    assertThat(aggregate(List.of(report("maitre").at(T0).master("gateway", 1).build())).events())
        .isEmpty();
  }

  @Test
  void aNewClusterAwaitsItsAgentsForAMinuteBeforeANodeCountsAsHavingNone() {
    cluster.getMetadata().setCreationTimestamp(CLOCK.instant().minusSeconds(10).toString());
    var a = aggregate(List.of(report("maitre").at(T0).master("gateway", 1).build()));
    assertThat(a.status().nodes)
        .filteredOn(n -> n.name.equals("esclave"))
        .singleElement()
        .satisfies(n -> assertThat(n.reason).isEqualTo("AwaitingAgent"));
    assertThat(condition(a.status(), "Degraded").status).isEqualTo(ConditionStatus.False);
    assertThat(a.events()).isEmpty();
    assertThat(a.recheckAfter()).contains(java.time.Duration.ofSeconds(50));
    cluster.setStatus(a.status());
    var later =
        StatusAggregator.aggregate(
            cluster,
            List.of(report("maitre").at(T0).master("gateway", 1).build()),
            RENDERED,
            Clock.offset(CLOCK, java.time.Duration.ofSeconds(50)));
    assertThat(later.events()).extracting(ClusterEvent::reason).containsExactly("NodeWithoutAgent");
    assertThat(later.recheckAfter()).isEmpty();
  }

  @Test
  void aReachableNodeOnAnOldRevisionIsReconcilingAndNotReady() {
    var a =
        aggregate(
            List.of(
                report("maitre").at(T0).master("gateway", 1).build(),
                report("esclave")
                    .at(T0)
                    .backup("gateway", 1)
                    .revision("ffffffffffffffff")
                    .build()));
    assertThat(condition(a.status(), "Ready").reason).isEqualTo("RevisionRollout");
    assertThat(condition(a.status(), "Reconciling").status).isEqualTo(ConditionStatus.True);
    assertThat(condition(a.status(), "Degraded").reason).isEqualTo("OldRevision");
  }

  @Test
  void anAgentRefusingTheRenderedConfigDegradesTheClusterWithItsReasonAndWarnsOnce() {
    String why = "AgentConfig relais.dev/v2 is not one this agent runs: upgrade the agent";
    var first =
        aggregate(
            List.of(
                report("maitre").at(T0).master("gateway", 1).build(),
                report("esclave")
                    .at(T0)
                    .backup("gateway", 1)
                    .revision("ffffffffffffffff")
                    .configError(why)
                    .build()));
    assertThat(condition(first.status(), "Degraded").reason).isEqualTo("ConfigRefused");
    assertThat(condition(first.status(), "Degraded").message).contains("esclave", why);
    assertThat(first.events()).anySatisfy(e -> assertThat(e.reason()).isEqualTo("ConfigRefused"));
  }

  @Test
  void noOwnerIsNotReady() {
    var a =
        aggregate(
            List.of(
                report("maitre").at(T0).backup("gateway", 1).build(),
                report("esclave").at(T0).backup("gateway", 1).build()));
    assertThat(condition(a.status(), "Ready").reason).isEqualTo("NoOwner");
    assertThat(condition(a.status(), "Ready").message).contains("gateway");
  }

  @Test
  void anInvalidConfigIsStalledWithItsMessageAndWarnsOnce() {
    var invalid =
        new ConfigHealth(
            REV,
            List.of(
                new ConfigHealth.Problem(
                    "ConfigInvalid",
                    "SpecInvalid",
                    "spec.nodes[0].priority: must be between 1 and 255")),
            null);
    var a = StatusAggregator.aggregate(cluster, List.of(), invalid, CLOCK);
    assertThat(condition(a.status(), "ConfigInvalid").status).isEqualTo(ConditionStatus.True);
    assertThat(condition(a.status(), "ConfigInvalid").message).contains("spec.nodes[0].priority");
    assertThat(condition(a.status(), "Stalled").status).isEqualTo(ConditionStatus.True);
    assertThat(condition(a.status(), "Ready").reason).isEqualTo("ConfigInvalid");
    assertThat(a.events()).extracting(ClusterEvent::reason).contains("SpecInvalid");
    cluster.setStatus(a.status());
    assertThat(StatusAggregator.aggregate(cluster, List.of(), invalid, CLOCK).events())
        .extracting(ClusterEvent::reason)
        .doesNotContain("SpecInvalid");
  }

  @Test
  void aConditionKeepsItsTransitionTimeWhileItsStatusHolds() {
    List<RouterNodeState> states =
        List.of(
            report("maitre").at(T0).master("gateway", 1).build(),
            report("esclave").at(T0).backup("gateway", 1).build());
    var first =
        StatusAggregator.aggregate(cluster, states, RENDERED, Clock.fixed(T0, ZoneOffset.UTC));
    cluster.setStatus(first.status());
    var later =
        StatusAggregator.aggregate(
            cluster, states, RENDERED, Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC));
    assertThat(condition(later.status(), "Ready").lastTransitionTime).isEqualTo(T0.toString());
    assertThat(later.status().conditions).isEqualTo(first.status().conditions);
  }

  @Test
  void aFailbackToThePreferredNodeIsReportedAsFailback() {
    cluster.setStatus(
        aggregate(
                List.of(
                    report("esclave").at(T0).master("gateway", 4).build(),
                    report("maitre").at(T0).backup("gateway", 4).build()))
            .status());
    var a =
        aggregate(
            List.of(
                report("esclave").at(T0.plusSeconds(5)).backup("gateway", 5).build(),
                report("maitre")
                    .at(T0.plusSeconds(5))
                    .master("gateway", 5)
                    .tookOver("gateway", "esclave", "Failback", 3, T0.plusSeconds(5))
                    .build()));
    assertThat(a.events()).extracting(ClusterEvent::reason).containsExactly("Failback");
  }
}
