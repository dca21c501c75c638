package dev.relais.agent.protocol.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.FailbackPolicy;
import dev.relais.agent.protocol.FlapDamping;
import dev.relais.agent.protocol.GroupSpec;
import dev.relais.agent.protocol.Health;
import dev.relais.agent.protocol.NodeSpec;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.Reason;
import dev.relais.agent.protocol.Timing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Election rules one at a time, on the tutorial timing (keepalive 2 s, deadtime 10 s). */
class ElectionScenarioTest {
  private static final String VIP = "vip";
  private static final Duration KEEPALIVE = Duration.ofSeconds(2);
  private static final Duration DEADTIME = Duration.ofSeconds(10);
  private static final Network.Link LAN = Network.Link.perfect(1_000_000);

  private static SimulatedCluster settled(List<ProtocolConfig> configs) {
    var sim = new SimulatedCluster(11, configs, LAN, false);
    sim.startAll(Duration.ZERO);
    sim.advance(Duration.ofSeconds(5));
    return sim;
  }

  private static List<ProtocolConfig> pair(FailbackPolicy failback, FlapDamping damping) {
    return Clusters.configs(
        List.of(new NodeSpec("maitre", 200, 1), new NodeSpec("esclave", 100, 1)),
        List.of(new GroupSpec(VIP, "maitre")),
        Timing.tutorial(),
        failback,
        damping);
  }

  private static boolean reported(SimulatedCluster sim, Reason reason) {
    return sim.reports().stream().anyMatch(r -> r.reason() == reason);
  }

  private static boolean changed(SimulatedCluster sim, String node, String to, Reason reason) {
    return sim.stateChanges().stream()
        .anyMatch(c -> c.node().equals(node) && c.to().equals(to) && c.reason() == reason);
  }

  @Test
  void afterAPartitionHealsTheHigherEpochWinsAndTheLoserReleasesAtOnce() {
    var sim = settled(pair(new FailbackPolicy.Never(), FlapDamping.standard()));
    sim.network().partition("maitre", "esclave");
    sim.advance(DEADTIME.plus(KEEPALIVE));
    assertThat(sim.owners(VIP)).containsExactlyInAnyOrder("maitre", "esclave");
    sim.network().heal("maitre", "esclave");
    sim.advance(KEEPALIVE.plusMillis(10));
    // esclave claimed at epoch 2 over maitre's 1: priority does not matter, the epoch does.
    assertThat(sim.owners(VIP)).containsExactly("esclave");
    assertThat(changed(sim, "maitre", "BACKUP", Reason.SUPERSEDED)).isTrue();
  }

  @Test
  void twoGroupsAreDecidedIndependentlyActiveActive() {
    var configs =
        Clusters.configs(
            List.of(new NodeSpec("maitre", 200, 1), new NodeSpec("esclave", 100, 1)),
            List.of(new GroupSpec("lan", "maitre"), new GroupSpec("wan", "esclave")),
            Timing.tutorial(),
            new FailbackPolicy.Auto(),
            FlapDamping.standard());
    var sim = settled(configs);
    assertThat(sim.owners("lan")).containsExactly("maitre");
    assertThat(sim.owners("wan")).containsExactly("esclave");
    sim.powerOff("esclave");
    sim.advance(DEADTIME.plus(KEEPALIVE));
    assertThat(sim.owners("lan")).containsExactly("maitre");
    assertThat(sim.owners("wan")).containsExactly("maitre");
  }

  @Test
  void aFaultyOwnerHandsOverMakeBeforeBreakAndGetsItBackWhenHealthy() {
    var sim = settled(pair(new FailbackPolicy.Auto(), FlapDamping.standard()));
    long from = sim.nowNanos();
    sim.setHealth("maitre", new Health(false, 0, 0));
    sim.advance(Duration.ofMillis(50));
    assertThat(sim.owners(VIP)).containsExactly("esclave");
    sim.setHealth("maitre", Health.healthy());
    sim.advance(KEEPALIVE);
    assertThat(sim.owners(VIP)).containsExactly("maitre");
    var timeline = new Timeline(sim, VIP, from, sim.nowNanos());
    assertThat(timeline.longestGapNanos()).isZero();
    assertThat(timeline.longestOverlapNanos()).isLessThanOrEqualTo(1_000_000);
  }

  @Test
  void aFaultyNodeKeepsTheVipWhenNoHealthyPeerExists() {
    var sim = settled(pair(new FailbackPolicy.Auto(), FlapDamping.standard()));
    sim.setHealth("maitre", new Health(true, 2, 0));
    sim.setHealth("esclave", new Health(false, 2, 2));
    sim.advance(Duration.ofSeconds(30));
    assertThat(sim.owners(VIP)).containsExactly("maitre");
  }

  @Test
  void ipfailPrefersTheNodeThatReachesMorePingTargets() {
    var sim = settled(pair(new FailbackPolicy.Auto(), FlapDamping.standard()));
    sim.setHealth("maitre", new Health(true, 3, 1));
    sim.setHealth("esclave", new Health(true, 3, 3));
    sim.advance(KEEPALIVE);
    assertThat(sim.owners(VIP)).containsExactly("esclave");
    assertThat(changed(sim, "esclave", "MASTER", Reason.HANDOFF_ACCEPTED)).isTrue();
    sim.setHealth("maitre", new Health(true, 3, 3));
    sim.advance(KEEPALIVE.multipliedBy(2));
    assertThat(sim.owners(VIP)).containsExactly("maitre");
  }

  @Test
  void flappingHealthIsDampedForFailbackButNeverForTheFaultItself() {
    var sim = settled(pair(new FailbackPolicy.Auto(), new FlapDamping(2, Duration.ofMinutes(5))));
    sim.setHealth("maitre", new Health(false, 0, 0));
    sim.advance(KEEPALIVE);
    sim.setHealth("maitre", Health.healthy());
    sim.advance(KEEPALIVE);
    assertThat(sim.owners(VIP)).containsExactly("maitre");
    sim.setHealth("maitre", new Health(false, 0, 0));
    sim.advance(KEEPALIVE);
    assertThat(sim.owners(VIP)).as("the fault move is never damped").containsExactly("esclave");
    sim.setHealth("maitre", Health.healthy());
    sim.advance(Duration.ofMinutes(1));
    assertThat(sim.owners(VIP)).as("the failback is held down").containsExactly("esclave");
    assertThat(reported(sim, Reason.FLAP_DAMPED)).isTrue();
    sim.advance(Duration.ofMinutes(5));
    assertThat(sim.owners(VIP)).as("after the window").containsExactly("maitre");
  }

  @Test
  void dampingNeverDelaysATakeoverFromADeadOwner() {
    var sim = settled(pair(new FailbackPolicy.Auto(), new FlapDamping(1, Duration.ofHours(1))));
    sim.reconfigure(c -> Clusters.withRequested(c, Map.of(VIP, "esclave")), Duration.ZERO);
    sim.advance(KEEPALIVE);
    assertThat(sim.owners(VIP)).containsExactly("esclave");
    sim.powerOff("esclave");
    sim.advance(DEADTIME.plus(KEEPALIVE));
    assertThat(sim.owners(VIP)).containsExactly("maitre");
  }

  @Test
  void aRequestedMoveIsHonouredAndWithdrawingItFollowsTheFailbackPolicy() {
    var sim = settled(pair(new FailbackPolicy.Auto(), FlapDamping.standard()));
    sim.reconfigure(c -> Clusters.withRequested(c, Map.of(VIP, "esclave")), Duration.ZERO);
    sim.advance(Duration.ofMillis(50));
    assertThat(sim.owners(VIP)).containsExactly("esclave");
    assertThat(sim.reports())
        .anyMatch(r -> r.reason() == Reason.HANDOFF_OFFERED && r.detail().startsWith("Requested"));
    sim.reconfigure(c -> Clusters.withRequested(c, Map.of()), Duration.ZERO);
    sim.advance(Duration.ofMillis(50));
    assertThat(sim.owners(VIP)).containsExactly("maitre");
  }

  @Test
  void anUnconfirmedHandoffKeepsTheVipAndSaysWhy() {
    var sim = settled(pair(new FailbackPolicy.Auto(), FlapDamping.standard()));
    // maitre's offers never reach esclave; esclave's heartbeats still reach maitre.
    sim.network().set("maitre", "esclave", 0, new Network.Link(1.0, 0, 0, 0));
    sim.reconfigure(c -> Clusters.withRequested(c, Map.of(VIP, "esclave")), Duration.ZERO);
    sim.advance(KEEPALIVE.multipliedBy(2).plusMillis(10));
    assertThat(sim.owners(VIP)).containsExactly("maitre");
    assertThat(reported(sim, Reason.HANDOFF_TIMED_OUT)).isTrue();
  }

  @Test
  void anUnconfirmedShutdownReleasesAtTheBound() {
    var sim = settled(pair(new FailbackPolicy.Auto(), FlapDamping.standard()));
    sim.network().set("maitre", "esclave", 0, new Network.Link(1.0, 0, 0, 0));
    long from = sim.nowNanos();
    sim.shutdown("maitre");
    sim.advance(KEEPALIVE.multipliedBy(2).minusMillis(10));
    assertThat(sim.owners(VIP)).containsExactly("maitre");
    sim.advance(Duration.ofMillis(20));
    assertThat(sim.isUp("maitre")).isFalse();
    assertThat(changed(sim, "maitre", "STOPPED", Reason.HANDOFF_BOUND_RELEASE)).isTrue();
    // esclave never heard the LEAVING status, so it takes over by deadTime, as heartbeat would.
    sim.advance(DEADTIME);
    assertThat(sim.owners(VIP)).containsExactly("esclave");
    assertThat(new Timeline(sim, VIP, from, sim.nowNanos()).longestOverlapNanos()).isZero();
  }

  @Test
  void peersAreJudgedByTheDeadTimeTheyAdvertiseDuringARollingChange() {
    var slow =
        new Timing(
            KEEPALIVE, Duration.ofSeconds(6), Duration.ofSeconds(30), Duration.ofSeconds(60));
    var sim = settled(pair(new FailbackPolicy.Auto(), FlapDamping.standard()));
    // maitre alone moves to deadtime 30 s, then pauses (its heartbeats stop) for 20 s.
    sim.reconfigure(
        c ->
            c.self().equals("maitre")
                ? new ProtocolConfig(
                    c.clusterId(),
                    c.self(),
                    c.nodes(),
                    c.groups(),
                    slow,
                    c.failback(),
                    c.standby(),
                    c.requested(),
                    c.damping(),
                    c.handoffBound(),
                    2,
                    c.keyring())
                : c,
        Duration.ZERO);
    sim.advance(KEEPALIVE);
    sim.network().set("maitre", "esclave", 0, new Network.Link(1.0, 0, 0, 0));
    sim.advance(Duration.ofSeconds(20));
    assertThat(sim.owners(VIP)).containsExactly("maitre");
  }
}
