package dev.relais.agent.protocol.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Never two owners of a VIP group while the owners can hear each other, once two keepalives have
 * passed after a partition heals.
 *
 * <p>Assumptions: 2–4 nodes with 1–2 paths, random priorities, preferences and failback policy;
 * deadTime = 5.5 keepalives; every link loses 0–5 %, delays 0.5 ms to a quarter keepalive (so
 * datagrams reorder) and duplicates 0–5 %; random partitions between pairs lasting up to three
 * deadTimes, random crashes and restarts (new boot epoch), at least one node always up; 40
 * deadTimes of virtual time. "a and b can hear each other at t" means: both directions have been
 * connected since t − 2 keepalives, and each has delivered to the other a heartbeat sent after the
 * later of their two acquisitions (an owner that hears nothing cannot know of the other claim).
 * Every fourth seed sends every heartbeat through the real codec (sign, verify, replay window).
 */
class SplitBrainPropertyTest {
  @Test
  void neverTwoOwnersWhileTheyHearEachOther() {
    Seeds.check("never-two-owners-while-hearing", 1000, SplitBrainPropertyTest::run);
  }

  private static String pair(String a, String b) {
    return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
  }

  static void run(long seed) {
    var r = new java.util.Random(seed);
    var timing = RandomClusters.timing(r, 5.5);
    long keepalive = timing.keepalive().toNanos();
    long deadTime = timing.deadTime().toNanos();
    var configs =
        RandomClusters.cluster(r, 4, timing, RandomClusters.failback(r, timing), 1 + r.nextInt(2));
    var link =
        RandomClusters.link(
            r.nextDouble() * 0.05, timing.keepalive().toMillis() / 4, r.nextDouble() * 0.05);
    // Every fourth seed goes through the real codec: duplicates and old boots die as replays.
    var sim = new SimulatedCluster(seed, configs, link, seed % 4 == 0);
    var names = sim.nodeNames();
    var groups = configs.get(0).groups().stream().map(g -> g.name()).toList();
    Map<String, Long> healedAt = new HashMap<>();
    sim.always(
        s -> {
          for (var g : groups) {
            List<String> owners = s.owners(g);
            for (int i = 0; i < owners.size(); i++) {
              for (int j = i + 1; j < owners.size(); j++) {
                String a = owners.get(i);
                String b = owners.get(j);
                // Heard: a heartbeat sent a one-way delay after both held went each way, since a
                // restarted node's heartbeats count only once the other has echoed them.
                long since =
                    Math.max(s.heldSinceNanos(a, g), s.heldSinceNanos(b, g)) + s.maxDelayNanos();
                boolean hear =
                    s.network().connected(a, b)
                        && healedAt.getOrDefault(pair(a, b), 0L) + 2 * keepalive <= s.nowNanos()
                        && s.lastDeliveredSentAt(a, b) >= since
                        && s.lastDeliveredSentAt(b, a) >= since;
                assertThat(hear)
                    .as("%s and %s both own %s while hearing each other at %s", a, b, g, s)
                    .isFalse();
              }
            }
          }
        });
    sim.startAll(timing.deadTime());
    long end = 40 * deadTime;
    for (long t = deadTime; t < end; t += (long) (r.nextDouble() * 2 * deadTime)) {
      final long at = t;
      long lasting = (long) (r.nextDouble() * 3 * deadTime);
      String a = names.get(r.nextInt(names.size()));
      String b = names.get(r.nextInt(names.size()));
      if (r.nextBoolean() && !a.equals(b)) {
        sim.schedule(at, () -> sim.network().partition(a, b));
        sim.schedule(
            at + lasting,
            () -> {
              sim.network().heal(a, b);
              healedAt.put(pair(a, b), sim.nowNanos());
            });
      } else {
        sim.schedule(
            at,
            () -> {
              if (sim.nodeNames().stream().filter(sim::isUp).count() > 1) {
                sim.powerOff(a);
              }
            });
        sim.schedule(
            at + lasting,
            () -> {
              if (!sim.isUp(a)) {
                sim.start(a);
              }
            });
      }
    }
    sim.runUntil(end + 4 * deadTime);
  }
}
