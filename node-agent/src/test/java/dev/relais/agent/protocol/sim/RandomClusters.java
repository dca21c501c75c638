package dev.relais.agent.protocol.sim;

import dev.relais.agent.protocol.FailbackPolicy;
import dev.relais.agent.protocol.FlapDamping;
import dev.relais.agent.protocol.GroupSpec;
import dev.relais.agent.protocol.NodeSpec;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random but valid cluster shapes for property runs, drawn from a seeded generator. */
final class RandomClusters {
  private RandomClusters() {}

  static Timing timing(Random r, double deadTimeInKeepalives) {
    // 5 and 20 ms: the fast profile's range, where non-owners are quiet (ProtocolMachine).
    long keepaliveMs = new long[] {5, 20, 200, 500, 1000, 2000}[r.nextInt(6)];
    long deadMs = (long) (keepaliveMs * deadTimeInKeepalives);
    return new Timing(
        Duration.ofMillis(keepaliveMs),
        Duration.ofMillis(deadMs / 2),
        Duration.ofMillis(deadMs),
        Duration.ofMillis(deadMs * 2));
  }

  static FailbackPolicy failback(Random r, Timing timing) {
    return switch (r.nextInt(3)) {
      case 0 -> new FailbackPolicy.Auto();
      case 1 -> new FailbackPolicy.Never();
      default -> new FailbackPolicy.Delayed(timing.deadTime().multipliedBy(1 + r.nextInt(4)));
    };
  }

  /** 2..maxNodes nodes with random priorities (ties allowed) and 1..2 paths, 1..3 groups. */
  static List<ProtocolConfig> cluster(
      Random r, int maxNodes, Timing timing, FailbackPolicy failback, int paths) {
    int n = 2 + r.nextInt(maxNodes - 1);
    var nodes = new ArrayList<NodeSpec>();
    for (int i = 0; i < n; i++) {
      nodes.add(new NodeSpec("n" + i, 1 + r.nextInt(4) * 50, paths));
    }
    var groups = new ArrayList<GroupSpec>();
    int g = 1 + r.nextInt(3);
    for (int i = 0; i < g; i++) {
      groups.add(new GroupSpec("g" + i, nodes.get(r.nextInt(n)).name()));
    }
    // Damping loose enough for one takeover and one failback per window; the agent's handoff
    // bound, which also bounds how long deferred reads wait.
    return Clusters.configs(
        nodes,
        groups,
        timing,
        failback,
        new FlapDamping(4, Duration.ofMinutes(2)),
        Clusters.agentHandoffBound(timing));
  }

  /** Jittered links: delay in [0.5 ms, maxDelayMs], loss and duplication as given. */
  static Network.Link link(double loss, long maxDelayMs, double duplicate) {
    return new Network.Link(loss, 500_000, Math.max(1, maxDelayMs) * 1_000_000, duplicate);
  }

  /**
   * The node that should own {@code group} among the running nodes when all are healthy and none is
   * in standby: the preferred node if up, else the highest priority, smaller name on a tie.
   */
  static String bestSurvivor(SimulatedCluster sim, ProtocolConfig config, String group) {
    var spec =
        config.groups().stream().filter(g -> g.name().equals(group)).findFirst().orElseThrow();
    if (sim.isUp(spec.preferredNode())) {
      return spec.preferredNode();
    }
    NodeSpec best = null;
    for (var n : config.nodes()) {
      if (!sim.isUp(n.name())) {
        continue;
      }
      if (best == null
          || n.priority() > best.priority()
          || (n.priority() == best.priority() && n.name().compareTo(best.name()) < 0)) {
        best = n;
      }
    }
    return best == null ? null : best.name();
  }
}
