package dev.relais.agent.protocol.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * After the owner dies, the best survivor owns the group within deadTime plus one keepalive.
 *
 * <p>Assumptions: 2–4 nodes with 1–2 paths, random priorities and preferences, any failback policy;
 * deadTime = 5.5 keepalives; links lose up to 1 %, delay 0.5 ms to a tenth of a keepalive,
 * duplicate up to 1 % (false deaths among survivors are negligible: at least five consecutive
 * losses, 10⁻¹⁰ per keepalive); the cluster has settled (initDead plus three deadTimes) and the
 * owner of a random group powers off at a random instant. "Best survivor": the preferred node if it
 * survives, else the survivor of highest priority (smaller name on a tie).
 */
class TakeoverPropertyTest {
  @Test
  void bestSurvivorOwnsWithinDeadTimePlusOneKeepalive() {
    Seeds.check("best-survivor-takes-over", 1000, TakeoverPropertyTest::run);
  }

  static void run(long seed) {
    var r = new Random(seed);
    var timing = RandomClusters.timing(r, 5.5);
    var configs =
        RandomClusters.cluster(r, 4, timing, RandomClusters.failback(r, timing), 1 + r.nextInt(2));
    var link =
        RandomClusters.link(
            r.nextDouble() * 0.01, timing.keepalive().toMillis() / 10, r.nextDouble() * 0.01);
    var sim = new SimulatedCluster(seed, configs, link, false);
    sim.startAll(timing.keepalive());
    sim.advance(timing.initDead().plus(timing.deadTime().multipliedBy(3)));
    sim.advance(java.time.Duration.ofNanos(r.nextLong(timing.keepalive().toNanos())));
    var groups = configs.get(0).groups();
    var group = groups.get(r.nextInt(groups.size())).name();
    assertThat(sim.owners(group)).as("settled owner of %s", group).hasSize(1);
    var victim = sim.owners(group).get(0);
    sim.powerOff(victim);
    var best = RandomClusters.bestSurvivor(sim, configs.get(0), group);
    sim.advance(timing.deadTime().plus(timing.keepalive()));
    assertThat(sim.owners(group))
        .as("owners of %s after %s died, at %s", group, victim, sim)
        .containsExactly(best);
  }
}
