package dev.relais.agent.protocol.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.FailbackPolicy;
import dev.relais.agent.protocol.FlapDamping;
import dev.relais.agent.protocol.GroupSpec;
import dev.relais.agent.protocol.NodeSpec;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.Timing;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deferred reads (ProtocolMachine#deferReadsUntil) on the tutorial's two routers at the fast
 * profile (keepalive 5 ms, deadTime 20 ms), through the real codec on 0.3 ms links: at rest both
 * defer and the backup wakes a fraction as often as heartbeats come; a power-off is seen exactly
 * when it would be without deferring; any change reads at once again; at 1 s nothing defers.
 */
class DeferredReadsScenarioTest {
  private static final Timing FAST =
      new Timing(
          Duration.ofMillis(5),
          Duration.ofMillis(10),
          Duration.ofMillis(20),
          Duration.ofMillis(40));

  private static List<ProtocolConfig> tutorial(Timing timing) {
    return Clusters.configs(
        List.of(new NodeSpec("maitre", 200, 1), new NodeSpec("esclave", 100, 1)),
        List.of(new GroupSpec("vip", "maitre")),
        timing,
        new FailbackPolicy.Auto(),
        FlapDamping.standard(),
        Clusters.agentHandoffBound(timing));
  }

  private static SimulatedCluster settled(Timing timing, boolean defer) {
    var sim =
        new SimulatedCluster(11, tutorial(timing), Network.Link.perfect(300_000), true)
            .deferReads(defer);
    sim.startAll(Duration.ZERO);
    sim.advance(timing.initDead().plus(timing.deadTime().multipliedBy(3)));
    return sim;
  }

  @Test
  void atRestBothDeferAndTheBackupWakesForAFractionOfTheHeartbeats() {
    var sim = settled(FAST, true);
    assertThat(sim.owner("vip")).contains("maitre");
    assertThat(sim.deferring("maitre")).isTrue();
    assertThat(sim.deferring("esclave")).isTrue();
    long owner = sim.wakeups("maitre");
    long backup = sim.wakeups("esclave");
    sim.advance(Duration.ofSeconds(1));
    // 200 heartbeats of the owner a second; the backup reads them at the owner's deadline, about
    // every deadTime - keepalive (15 ms), and the owner reads at its own heartbeats only.
    assertThat(sim.wakeups("esclave") - backup).isBetween(50L, 80L);
    assertThat(sim.wakeups("maitre") - owner).isBetween(195L, 205L);
    assertThat(sim.owners("vip")).containsExactly("maitre");
    assertThat(sim.rejectedDatagrams()).isZero();
  }

  @Test
  void aPowerOffIsSeenWhenItWouldBeWithoutDeferring() {
    long[] takeover = new long[2];
    for (int i = 0; i < 2; i++) {
      var sim = settled(FAST, i == 0);
      sim.advance(Duration.ofMillis(333));
      long off = sim.nowNanos();
      sim.powerOff("maitre");
      sim.advance(FAST.deadTime().multipliedBy(2));
      assertThat(sim.owner("vip")).contains("esclave");
      takeover[i] = sim.heldSinceNanos("esclave", "vip") - off;
    }
    assertThat(takeover[0]).as("deferring").isEqualTo(takeover[1]).as("reading as they come");
    assertThat(takeover[0]).isLessThanOrEqualTo(FAST.deadTime().plus(FAST.keepalive()).toNanos());
  }

  @Test
  void aChangeReadsAtOnceAgainForADeadTime() {
    var sim = settled(FAST, true);
    sim.reconfigure(c -> Clusters.withStandby(c, java.util.Set.of("maitre")), Duration.ZERO);
    sim.advance(Duration.ofMillis(1));
    assertThat(sim.deferring("maitre")).isFalse();
    assertThat(sim.deferring("esclave")).isFalse();
    sim.advance(FAST.deadTime().multipliedBy(4));
    assertThat(sim.owners("vip")).containsExactly("esclave");
    assertThat(sim.deferring("esclave")).as("calm again").isTrue();
  }

  @Test
  void atTheDefaultOneSecondNothingDefers() {
    var slow =
        new Timing(
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            Duration.ofSeconds(5),
            Duration.ofSeconds(10));
    var sim = settled(slow, true);
    assertThat(sim.owner("vip")).contains("maitre");
    assertThat(sim.deferring("maitre")).isFalse();
    assertThat(sim.deferring("esclave")).isFalse();
  }
}
