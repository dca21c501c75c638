package dev.relais.agent.protocol.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.GroupSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Planned moves (standby, a requested move, failback, clean shutdown) never leave a group without
 * an owner and never give it two owners for longer than the handshake.
 *
 * <p>Assumptions: 2–4 nodes with 1–2 paths, 1–3 groups, any failback policy; links lose nothing but
 * delay 0.5 ms to a fifth of a keepalive (so datagrams reorder) and duplicate up to 5 %; every 1–4
 * keepalives an operator puts a node in or out of standby (at least one node stays out), asks for a
 * group on a random node or withdraws the request, or shuts a node down cleanly (never the last
 * running one, one at a time) and starts it again later; each node picks a config change up within
 * 100 ms of the others. No crash, no partition, no health change: every move is planned. "The
 * handshake" is the one-way delay of the target's confirmation, bounded by the longest link delay.
 */
class PlannedMovePropertyTest {
  @Test
  void plannedMovesNeverLeaveAGroupOwnerlessNorDoublyOwnedBeyondTheHandshake() {
    Seeds.check("planned-moves-make-before-break", 1000, PlannedMovePropertyTest::run);
  }

  static void run(long seed) {
    var r = new Random(seed);
    var timing = RandomClusters.timing(r, 5.5);
    var configs =
        RandomClusters.cluster(r, 4, timing, RandomClusters.failback(r, timing), 1 + r.nextInt(2));
    var link = RandomClusters.link(0, timing.keepalive().toMillis() / 5, r.nextDouble() * 0.05);
    var sim = new SimulatedCluster(seed, configs, link, false);
    var names = sim.nodeNames();
    sim.startAll(Duration.ZERO);
    sim.advance(timing.initDead().plus(timing.deadTime()));
    long from = sim.nowNanos();
    long keepalive = timing.keepalive().toNanos();
    var standby = new HashSet<String>();
    var requested = new HashMap<String, String>();
    var leaving = new HashSet<String>();
    long end = from + 200 * keepalive;
    for (long t = from + keepalive; t < end; t += keepalive * (1 + r.nextInt(4))) {
      int action = r.nextInt(4);
      String node = names.get(r.nextInt(names.size()));
      GroupSpec group = configs.get(0).groups().get(r.nextInt(configs.get(0).groups().size()));
      sim.schedule(t, () -> act(sim, action, node, group.name(), standby, requested, leaving));
    }
    sim.runUntil(end + 4 * keepalive);
    for (var g : configs.get(0).groups()) {
      var timeline = new Timeline(sim, g.name(), from, sim.nowNanos());
      assertThat(timeline.longestGapNanos()).as("%s ownerless (ns)", g.name()).isZero();
      assertThat(timeline.longestOverlapNanos())
          .as("%s doubly owned (ns)", g.name())
          .isLessThanOrEqualTo(sim.maxDelayNanos());
    }
  }

  private static void act(
      SimulatedCluster sim,
      int action,
      String node,
      String group,
      Set<String> standby,
      Map<String, String> requested,
      Set<String> leaving) {
    var skew = Duration.ofMillis(100);
    long running = sim.nodeNames().stream().filter(sim::isUp).count();
    switch (action) {
      case 0 -> {
        if (!standby.remove(node) && standby.size() < sim.nodeNames().size() - 1) {
          standby.add(node);
        }
        var now = Set.copyOf(standby);
        sim.reconfigure(c -> Clusters.withStandby(c, now), skew);
      }
      case 1 -> {
        if (requested.remove(group) == null) {
          requested.put(group, node);
        }
        var now = Map.copyOf(requested);
        sim.reconfigure(c -> Clusters.withRequested(c, now), skew);
      }
      default -> {
        if (!sim.isUp(node) && !leaving.isEmpty()) {
          leaving.remove(node);
          sim.start(node);
        } else if (sim.isUp(node) && leaving.isEmpty() && running > 1) {
          leaving.add(node);
          sim.shutdown(node);
        }
      }
    }
  }
}
