package dev.relais.agent.protocol.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.GroupSpec;
import dev.relais.agent.protocol.ProtocolConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Wire version 4 sends a claim's group as an index into the sender's group table, bound to the
 * table's revision (docs/design/protocol.md, "Group indices"). Here the tables disagree: one node
 * at a time has its groups reordered, one added or one removed (a standalone file edited on that
 * router only, the generation unchanged), then another, and nodes restart; every heartbeat goes
 * through the real codec. Property: no node ever misreads an index, so never two owners of a group
 * once each has delivered to the other a heartbeat sent after the later acquisition (a
 * make-before-break handoff overlaps for one one-way delay; the same rule as {@link
 * SplitBrainPropertyTest}). And indices are used at all: the property would hold trivially if the
 * sender always fell back to ids.
 *
 * <p>Assumptions: 2–3 nodes, one path, 2–4 groups with random preferences, any failback policy;
 * links lose up to 1 %, delay 0.5 ms to a quarter keepalive (reordering), duplicate up to 1 %; 12
 * config edits or restarts, one every one to four deadTimes.
 */
class SkewedGroupTablePropertyTest {
  @Test
  void indicesAreNeverMisreadWhateverTheTablesOfTheOtherNodes() {
    Seeds.check("skewed-group-tables", 1000, SkewedGroupTablePropertyTest::run);
  }

  static void run(long seed) {
    var r = new Random(seed);
    var timing = RandomClusters.timing(r, 5.5);
    var base = RandomClusters.cluster(r, 3, timing, RandomClusters.failback(r, timing), 1);
    var configs = new ArrayList<ProtocolConfig>();
    int extra = 1 + r.nextInt(2);
    for (var c : base) {
      var groups = new ArrayList<>(c.groups());
      for (int i = 0; i < extra; i++) {
        groups.add(new GroupSpec("x" + i, c.nodes().get(r.nextInt(c.nodes().size())).name()));
      }
      configs.add(withGroups(c, groups));
    }
    var link =
        RandomClusters.link(
            r.nextDouble() * 0.01, timing.keepalive().toMillis() / 4, r.nextDouble() * 0.01);
    var sim = new SimulatedCluster(seed, configs, link, true);
    var all = new ArrayList<String>();
    configs.get(0).groups().forEach(g -> all.add(g.name()));
    all.add("late"); // a group no node has at first: added on one node only
    sim.always(
        s -> {
          for (var g : all) {
            List<String> owners = s.owners(g);
            for (int i = 0; i < owners.size(); i++) {
              for (int j = i + 1; j < owners.size(); j++) {
                String a = owners.get(i);
                String b = owners.get(j);
                long since = Math.max(s.heldSinceNanos(a, g), s.heldSinceNanos(b, g));
                assertThat(
                        s.lastDeliveredSentAt(a, b) >= since
                            && s.lastDeliveredSentAt(b, a) >= since)
                    .as("%s and %s both hold %s having heard each other, at %s", a, b, g, s)
                    .isFalse();
              }
            }
          }
        });
    sim.startAll(timing.keepalive());
    long deadTime = timing.deadTime().toNanos();
    sim.advance(timing.initDead().plus(timing.deadTime().multipliedBy(3)));
    var names = sim.nodeNames();
    for (int step = 0; step < 12; step++) {
      var node = names.get(r.nextInt(names.size()));
      switch (r.nextInt(4)) {
        case 0 -> sim.reconfigure(node, c -> reordered(c, r));
        case 1 -> sim.reconfigure(node, c -> added(c, r));
        case 2 -> sim.reconfigure(node, c -> removed(c, r));
        default -> {
          sim.powerOff(node);
          sim.advance(Duration.ofNanos(r.nextLong(2 * deadTime)));
          sim.start(node);
        }
      }
      sim.advance(Duration.ofNanos(deadTime + r.nextLong(3 * deadTime)));
    }
    long indexed = 0;
    for (var n : names) {
      indexed += sim.indexedSends(n);
    }
    assertThat(indexed).as("heartbeats sent with group indices").isPositive();
  }

  private static ProtocolConfig reordered(ProtocolConfig c, Random r) {
    var groups = new ArrayList<>(c.groups());
    Collections.shuffle(groups, r);
    return withGroups(c, groups);
  }

  private static ProtocolConfig added(ProtocolConfig c, Random r) {
    var groups = new ArrayList<>(c.groups());
    if (groups.stream().noneMatch(g -> g.name().equals("late"))) {
      var node = c.nodes().get(r.nextInt(c.nodes().size())).name();
      groups.add(r.nextInt(groups.size() + 1), new GroupSpec("late", node));
    }
    return withGroups(c, groups);
  }

  private static ProtocolConfig removed(ProtocolConfig c, Random r) {
    var groups = new ArrayList<>(c.groups());
    if (groups.size() > 1) {
      groups.remove(r.nextInt(groups.size()));
    }
    return withGroups(c, groups);
  }

  /** The same config with other groups and the same generation (standalone files: both 1). */
  private static ProtocolConfig withGroups(ProtocolConfig c, List<GroupSpec> groups) {
    return new ProtocolConfig(
        c.clusterId(),
        c.self(),
        c.nodes(),
        groups,
        c.timing(),
        c.failback(),
        c.standby(),
        c.requested(),
        c.damping(),
        c.handoffBound(),
        c.generation(),
        c.keyring());
  }
}
