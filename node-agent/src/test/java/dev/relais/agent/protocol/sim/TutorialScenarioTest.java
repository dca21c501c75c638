package dev.relais.agent.protocol.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.FailbackPolicy;
import dev.relais.agent.protocol.Reason;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat tutorial (keepalive 2 s, warntime 6 s, deadtime 10 s, initdead 60 s; maitre
 * preferred, esclave backup), through the real codec on 1 ms links.
 */
class TutorialScenarioTest {
  private static final String VIP = "vip";
  private static final Duration KEEPALIVE = Duration.ofSeconds(2);
  private static final Duration DEADTIME = Duration.ofSeconds(10);

  private static SimulatedCluster tutorial(FailbackPolicy failback) {
    var sim =
        new SimulatedCluster(7, Clusters.tutorial(failback), Network.Link.perfect(1_000_000), true);
    sim.startAll(Duration.ZERO);
    sim.advance(Duration.ofSeconds(5));
    return sim;
  }

  private static void failOverToEsclave(SimulatedCluster sim) {
    sim.powerOff("maitre");
    sim.advance(DEADTIME.plus(KEEPALIVE));
    assertThat(sim.owner(VIP)).contains("esclave");
  }

  @Test
  void bothUpMaitreOwnsTheVip() {
    var sim = tutorial(new FailbackPolicy.Auto());
    assertThat(sim.owners(VIP)).containsExactly("maitre");
    assertThat(sim.rejectedDatagrams()).isZero();
  }

  @Test
  void masterPowerOffSlaveOwnsAfterDeadtimeNotBefore() {
    var sim = tutorial(new FailbackPolicy.Auto());
    sim.powerOff("maitre");
    sim.advance(DEADTIME.minusSeconds(1));
    assertThat(sim.owners(VIP)).isEmpty();
    sim.advance(KEEPALIVE.plusSeconds(1));
    assertThat(sim.owner(VIP)).contains("esclave");
    assertThat(sim.stateChanges())
        .anyMatch(
            c ->
                c.node().equals("esclave")
                    && c.to().equals("MASTER")
                    && c.reason() == Reason.OWNER_DEAD);
  }

  @Test
  void masterBackWithAutoFailbackTakesTheVipBackWithoutAGap() {
    var sim = tutorial(new FailbackPolicy.Auto());
    failOverToEsclave(sim);
    sim.always(s -> assertThat(s.owners(VIP)).as("at %s", s).isNotEmpty());
    sim.start("maitre");
    sim.advance(KEEPALIVE.multipliedBy(2));
    assertThat(sim.owner(VIP)).contains("maitre");
    assertThat(sim.stateChanges())
        .anyMatch(c -> c.node().equals("esclave") && c.reason() == Reason.HANDOFF_CONFIRMED);
  }

  @Test
  void masterBackWithNeverFailbackLeavesTheVipOnTheSlave() {
    var sim = tutorial(new FailbackPolicy.Never());
    failOverToEsclave(sim);
    sim.start("maitre");
    sim.advance(Duration.ofMinutes(10));
    assertThat(sim.owners(VIP)).containsExactly("esclave");
  }

  @Test
  void masterBackWithDelayedFailbackWaitsForTheDelay() {
    var delay = Duration.ofSeconds(30);
    var sim = tutorial(new FailbackPolicy.Delayed(delay));
    failOverToEsclave(sim);
    sim.start("maitre");
    sim.advance(delay.minusSeconds(1));
    assertThat(sim.owners(VIP)).containsExactly("esclave");
    sim.advance(KEEPALIVE.multipliedBy(2));
    assertThat(sim.owners(VIP)).containsExactly("maitre");
  }

  @Test
  void aLoneStartingNodeWaitsForInitDead() {
    var sim =
        new SimulatedCluster(
            7, Clusters.tutorial(new FailbackPolicy.Auto()), Network.Link.perfect(1_000_000), true);
    sim.start("esclave");
    sim.advance(Duration.ofSeconds(59));
    assertThat(sim.owners(VIP)).isEmpty();
    sim.advance(Duration.ofSeconds(2));
    assertThat(sim.owners(VIP)).containsExactly("esclave");
  }

  @Test
  void aReturningNodeNeverStealsBeforeHearingTheCluster() {
    var sim = tutorial(new FailbackPolicy.Auto());
    failOverToEsclave(sim);
    long back = sim.nowNanos();
    sim.start("maitre");
    sim.advance(Duration.ofSeconds(30));
    assertThat(sim.owners(VIP)).containsExactly("maitre");
    // maitre took it only when offered; both held it for one link delay, new owner first.
    assertThat(sim.stateChanges())
        .filteredOn(c -> c.node().equals("maitre") && c.to().equals("MASTER"))
        .last()
        .extracting(c -> c.reason())
        .isEqualTo(Reason.HANDOFF_ACCEPTED);
    var timeline = new Timeline(sim, VIP, back, sim.nowNanos());
    assertThat(timeline.longestOverlapNanos()).isLessThanOrEqualTo(1_000_000);
    assertThat(timeline.longestGapNanos()).isZero();
  }

  @Test
  void cleanShutdownHandsOverAtOnceWithoutAGap() {
    var sim = tutorial(new FailbackPolicy.Auto());
    sim.always(s -> assertThat(s.owners(VIP)).as("at %s", s).isNotEmpty());
    sim.shutdown("maitre");
    sim.advance(Duration.ofMillis(100));
    assertThat(sim.isUp("maitre")).isFalse();
    assertThat(sim.owner(VIP)).contains("esclave");
  }

  @Test
  void standbyMovesTheVipMakeBeforeBreakAndBack() {
    var sim = tutorial(new FailbackPolicy.Auto());
    sim.always(s -> assertThat(s.owners(VIP)).as("at %s", s).isNotEmpty());
    sim.reconfigure(c -> Clusters.withStandby(c, Set.of("maitre")), Duration.ZERO);
    sim.advance(Duration.ofMillis(100));
    assertThat(sim.owner(VIP)).contains("esclave");
    sim.reconfigure(c -> Clusters.withStandby(c, Set.of()), Duration.ZERO);
    sim.advance(Duration.ofSeconds(5));
    assertThat(sim.owner(VIP)).isEqualTo(Optional.of("maitre"));
  }
}
