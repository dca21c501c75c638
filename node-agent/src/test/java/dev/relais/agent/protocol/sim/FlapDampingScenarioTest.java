package dev.relais.agent.protocol.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.FailbackPolicy;
import dev.relais.agent.protocol.FlapDamping;
import dev.relais.agent.protocol.GroupSpec;
import dev.relais.agent.protocol.NodeSpec;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.Reason;
import dev.relais.agent.protocol.StateSnapshot;
import dev.relais.agent.protocol.Timing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flap damping (docs/design/protocol.md, "Flap damping") on virtual time at Relais' default timing
 * (keepalive 1 s, deadtime 5 s) and the API's default damping (3 unplanned losses within 4
 * deadTimes): only a node that keeps losing the VIP unplanned is held, and only until its oldest
 * loss leaves the window; planned moves never count and are never held.
 */
class FlapDampingScenarioTest {
  private static final String VIP = "vip";
  private static final Timing DEFAULT =
      new Timing(
          Duration.ofSeconds(1),
          Duration.ofMillis(2500),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10));
  private static final Duration DEADTIME = DEFAULT.deadTime();
  private static final Duration KEEPALIVE = DEFAULT.keepalive();
  // The API's default at this timing: 3 moves, window 4 x deadTime.
  private static final FlapDamping API_DEFAULT = new FlapDamping(true, 3, Duration.ofSeconds(20));
  private static final FlapDamping STRICTEST = new FlapDamping(true, 1, Duration.ofHours(1));

  private static SimulatedCluster settled(FlapDamping damping) {
    List<ProtocolConfig> configs =
        Clusters.configs(
            List.of(new NodeSpec("maitre", 200, 1), new NodeSpec("esclave", 100, 1)),
            List.of(new GroupSpec(VIP, "maitre")),
            DEFAULT,
            new FailbackPolicy.Auto(),
            damping);
    var sim = new SimulatedCluster(5, configs, Network.Link.perfect(1_000_000), true);
    sim.startAll(Duration.ZERO);
    sim.advance(DEFAULT.initDead().plusSeconds(1)); // past the startup window
    assertThat(sim.owners(VIP)).containsExactly("maitre");
    return sim;
  }

  private static void powerOffAndFailOver(SimulatedCluster sim) {
    sim.powerOff("maitre");
    sim.advance(DEADTIME.plus(KEEPALIVE));
    assertThat(sim.owners(VIP)).as("takeover at %s", sim).containsExactly("esclave");
  }

  /** maitre boots again; true when it holds the VIP alone within {@code within}. */
  private static boolean returnsWithin(SimulatedCluster sim, Duration within) {
    sim.start("maitre");
    long end = sim.nowNanos() + within.toNanos();
    while (sim.nowNanos() < end) {
      sim.advance(Duration.ofMillis(100));
      if (sim.owners(VIP).equals(List.of("maitre"))) {
        return true;
      }
    }
    return false;
  }

  private static void standby(SimulatedCluster sim, Set<String> nodes) {
    sim.reconfigure(c -> Clusters.withStandby(c, nodes), Duration.ZERO);
    sim.advance(KEEPALIVE.multipliedBy(2));
  }

  private static boolean damped(SimulatedCluster sim) {
    return sim.reports().stream().anyMatch(r -> r.reason() == Reason.FLAP_DAMPED);
  }

  private static Optional<StateSnapshot.DampingHold> hold(SimulatedCluster sim, String node) {
    return sim.snapshot(node).orElseThrow().groups().stream()
        .filter(g -> g.group().equals(VIP))
        .findFirst()
        .orElseThrow()
        .damping();
  }

  /** When esclave acquired the VIP, newest last: the instants it saw maitre lose it. */
  private static List<Long> esclaveTakeovers(SimulatedCluster sim) {
    return sim.vipEvents().stream()
        .filter(e -> e.node().equals("esclave") && e.acquired())
        .map(SimulatedCluster.VipEvent::nanos)
        .toList();
  }

  @Test
  void tenDrillCyclesAtAPersonsPaceGiveTheVipBackEveryTime() {
    // lab/drill.sh --cycles: power-off, failover, power on, failback, standby, return; each step
    // waits for the VIP to settle, so a cycle takes about 17 s, more than two deadTimes.
    var sim = settled(API_DEFAULT);
    for (int cycle = 1; cycle <= 10; cycle++) {
      powerOffAndFailOver(sim);
      assertThat(returnsWithin(sim, Duration.ofSeconds(4))).as("failback %d", cycle).isTrue();
      sim.advance(Duration.ofSeconds(4));
      standby(sim, Set.of("maitre"));
      assertThat(sim.owners(VIP)).as("switchover %d", cycle).containsExactly("esclave");
      standby(sim, Set.of());
      assertThat(sim.owners(VIP)).as("return %d", cycle).containsExactly("maitre");
      sim.advance(Duration.ofSeconds(4));
    }
    assertThat(damped(sim)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void lossesMoreThanTwoDeadTimesApartNeverHoldAFailback(long seed) {
    var sim = settled(API_DEFAULT);
    var random = new java.util.Random(seed);
    for (int cycle = 1; cycle <= 8; cycle++) {
      long poweredOff = sim.nowNanos();
      powerOffAndFailOver(sim);
      assertThat(returnsWithin(sim, Duration.ofSeconds(4))).as("failback %d", cycle).isTrue();
      // The next power-off comes 2 deadTimes (plus a keepalive of detection jitter) to 4
      // deadTimes after this one.
      long gapMs = 11_000 + random.nextLong(9_000);
      sim.runUntil(poweredOff + Duration.ofMillis(gapMs).toNanos());
    }
    assertThat(damped(sim)).isFalse();
  }

  @Test
  void issue26sSequencePasses() {
    // Power-off, failback, standby, return, power-off again, and back.
    var sim = settled(API_DEFAULT);
    powerOffAndFailOver(sim);
    assertThat(returnsWithin(sim, Duration.ofSeconds(4))).isTrue();
    standby(sim, Set.of("maitre"));
    assertThat(sim.owners(VIP)).containsExactly("esclave");
    standby(sim, Set.of());
    assertThat(sim.owners(VIP)).containsExactly("maitre");
    powerOffAndFailOver(sim);
    assertThat(returnsWithin(sim, Duration.ofSeconds(4))).isTrue();
    assertThat(damped(sim)).isFalse();
  }

  @Test
  void aNodeThatKeepsDyingRightAfterItsFailbackIsHeldUntilItsOldestLossLeavesTheWindow() {
    var sim = settled(API_DEFAULT);
    for (int loss = 1; loss <= 3; loss++) {
      powerOffAndFailOver(sim);
      if (loss < 3) {
        assertThat(returnsWithin(sim, Duration.ofSeconds(2))).as("failback %d", loss).isTrue();
      }
    }
    List<Long> losses = esclaveTakeovers(sim);
    assertThat(losses).hasSize(3);
    long until = losses.getFirst() + API_DEFAULT.window().toNanos();
    assertThat(losses.getLast()).isLessThan(until);

    sim.start("maitre");
    sim.advance(KEEPALIVE.multipliedBy(2));
    assertThat(sim.owners(VIP)).as("failback held").containsExactly("esclave");
    assertThat(damped(sim)).isTrue();
    assertThat(hold(sim, "esclave"))
        .contains(new StateSnapshot.DampingHold("maitre", until, 3, Reason.FAILBACK));
    assertThat(hold(sim, "maitre")).as("only the owner holds").isEmpty();

    sim.runUntil(until - 1);
    assertThat(sim.owners(VIP)).as("still held just before until").containsExactly("esclave");
    sim.runUntil(until + Duration.ofMillis(10).toNanos());
    assertThat(sim.owners(VIP)).as("released at until").containsExactly("maitre");
    assertThat(hold(sim, "esclave")).isEmpty();
  }

  @Test
  void anAgentThatCrashesAndRestartsWithinDeadtimeCountsAsAnUnplannedLoss() {
    var sim = settled(STRICTEST);
    sim.powerOff("maitre");
    sim.advance(Duration.ofMillis(500));
    sim.start("maitre");
    sim.advance(KEEPALIVE.multipliedBy(3));
    assertThat(sim.owners(VIP)).containsExactly("esclave");
    assertThat(hold(sim, "esclave")).map(StateSnapshot.DampingHold::ownerChanges).contains(1);
  }

  @Test
  void plannedMovesNeverCountAndAreNeverHeldEvenByTheStrictestDamping() {
    var sim = settled(STRICTEST);
    for (int round = 1; round <= 5; round++) {
      standby(sim, Set.of("maitre"));
      assertThat(sim.owners(VIP)).as("standby %d", round).containsExactly("esclave");
      standby(sim, Set.of());
      assertThat(sim.owners(VIP)).as("return %d", round).containsExactly("maitre");
      sim.reconfigure(c -> Clusters.withRequested(c, Map.of(VIP, "esclave")), Duration.ZERO);
      sim.advance(KEEPALIVE);
      assertThat(sim.owners(VIP)).as("requested %d", round).containsExactly("esclave");
      sim.reconfigure(c -> Clusters.withRequested(c, Map.of()), Duration.ZERO);
      sim.advance(KEEPALIVE);
      assertThat(sim.owners(VIP)).as("request withdrawn %d", round).containsExactly("maitre");
      sim.shutdown("maitre");
      sim.advance(KEEPALIVE);
      assertThat(sim.owners(VIP)).as("shutdown handoff %d", round).containsExactly("esclave");
      assertThat(returnsWithin(sim, Duration.ofSeconds(3))).as("restart %d", round).isTrue();
    }
    assertThat(damped(sim)).isFalse();
    // The same damping does hold after a single unplanned loss: the rounds above were not held
    // because nothing in them counts.
    powerOffAndFailOver(sim);
    assertThat(returnsWithin(sim, Duration.ofSeconds(5))).isFalse();
    assertThat(damped(sim)).isTrue();
  }

  @Test
  void aRollingUpdateOfBothRoutersTwiceIsNotHeld() {
    var sim = settled(STRICTEST);
    for (int round = 1; round <= 2; round++) {
      for (String node : List.of("esclave", "maitre")) {
        sim.shutdown(node);
        sim.advance(KEEPALIVE);
        assertThat(sim.isUp(node)).isFalse();
        sim.start(node);
        sim.advance(KEEPALIVE.multipliedBy(3));
        assertThat(sim.owners(VIP)).as("%s restarted, round %d", node, round).hasSize(1);
      }
      assertThat(sim.owners(VIP)).as("round %d", round).containsExactly("maitre");
    }
    assertThat(damped(sim)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void offGivesTheVipBackEveryTimeHoweverFastTheNodeFlaps(int moves) {
    var sim = settled(new FlapDamping(false, moves, Duration.ofHours(1)));
    for (int loss = 1; loss <= 6; loss++) {
      powerOffAndFailOver(sim);
      assertThat(returnsWithin(sim, Duration.ofSeconds(2))).as("failback %d", loss).isTrue();
    }
    assertThat(damped(sim)).isFalse();
    assertThat(hold(sim, "maitre")).isEmpty();
  }

  @Test
  void turningDampingOffReleasesAHeldFailbackAtOnce() {
    var sim = settled(STRICTEST);
    powerOffAndFailOver(sim);
    sim.start("maitre");
    sim.advance(KEEPALIVE.multipliedBy(2));
    assertThat(sim.owners(VIP)).containsExactly("esclave");
    sim.reconfigure(FlapDampingScenarioTest::dampingOff, Duration.ZERO);
    sim.advance(KEEPALIVE);
    assertThat(sim.owners(VIP)).containsExactly("maitre");
  }

  private static ProtocolConfig dampingOff(ProtocolConfig c) {
    return new ProtocolConfig(
        c.clusterId(),
        c.self(),
        c.nodes(),
        c.groups(),
        c.timing(),
        c.failback(),
        c.standby(),
        c.requested(),
        FlapDamping.off(),
        c.handoffBound(),
        c.generation() + 1,
        c.keyring());
  }
}
