package dev.relais.agent.protocol.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.FailbackPolicy;
import dev.relais.agent.protocol.ProtocolMachine;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Failback follows the policy: after the preferred node of a group dies and returns, Auto gives the
 * group back to it within four keepalives of its return, Never leaves it where it is, and Delayed
 * gives it back no earlier than the delay after the return and within four keepalives after that.
 *
 * <p>Assumptions: 2–3 nodes with 1–2 paths, one group whose preferred node owns it once settled;
 * deadTime = 5.5 keepalives; links lose up to 1 % (an offer or confirmation lost once is resent
 * with the next heartbeat, hence four keepalives), delay 0.5 ms to a tenth of a keepalive,
 * duplicate up to 1 %; the preferred node powers off, the survivors take over, and it powers on
 * again 0–3 deadTimes later; flap damping allows four moves in two minutes.
 */
class FailbackPropertyTest {
  @Test
  void failbackFollowsThePolicy() {
    Seeds.check("failback-follows-policy", 1000, FailbackPropertyTest::run);
  }

  static void run(long seed) {
    var r = new Random(seed);
    var timing = RandomClusters.timing(r, 5.5);
    var policy = RandomClusters.failback(r, timing);
    var configs = RandomClusters.cluster(r, 3, timing, policy, 1 + r.nextInt(2));
    var config = configs.get(0);
    var group = config.groups().get(0);
    var link =
        RandomClusters.link(
            r.nextDouble() * 0.01, timing.keepalive().toMillis() / 10, r.nextDouble() * 0.01);
    var sim = new SimulatedCluster(seed, configs, link, false);
    sim.startAll(Duration.ZERO);
    sim.advance(timing.initDead().plus(timing.deadTime().multipliedBy(2)));
    var preferred = group.preferredNode();
    assertThat(sim.owners(group.name())).as("settled").containsExactly(preferred);
    sim.powerOff(preferred);
    sim.advance(timing.deadTime().plus(timing.keepalive()));
    var survivor = RandomClusters.bestSurvivor(sim, config, group.name());
    assertThat(sim.owners(group.name())).as("after takeover").containsExactly(survivor);
    sim.advance(Duration.ofNanos((long) (r.nextDouble() * 3 * timing.deadTime().toNanos())));
    sim.start(preferred);
    long back = sim.nowNanos();
    // A calm returned node reads the owner's offer up to the deferral bound late.
    var bound = timing.keepalive().multipliedBy(4).plus(ProtocolMachine.readDeferralBound(config));
    switch (policy) {
      case FailbackPolicy.Auto() -> {
        sim.advance(bound);
        assertThat(sim.owners(group.name())).as("Auto, at %s", sim).containsExactly(preferred);
      }
      case FailbackPolicy.Never() -> {
        sim.advance(Duration.ofMinutes(5));
        assertThat(sim.owners(group.name())).as("Never, at %s", sim).containsExactly(survivor);
      }
      case FailbackPolicy.Delayed(var delay) -> {
        sim.runUntil(back + delay.toNanos() - 1);
        assertThat(sim.owners(group.name()))
            .as("Delayed, early, at %s", sim)
            .containsExactly(survivor);
        sim.advance(bound);
        assertThat(sim.owners(group.name())).as("Delayed, at %s", sim).containsExactly(preferred);
      }
    }
    // Once back, it stays: no further moves while nothing fails.
    int moves = sim.vipEvents().size();
    sim.advance(timing.deadTime().multipliedBy(3));
    assertThat(sim.vipEvents().size()).as("moves after failback settled").isEqualTo(moves);
  }
}
