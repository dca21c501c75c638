package dev.relais.agent.protocol.sim;

import dev.relais.agent.protocol.FailbackPolicy;
import dev.relais.agent.protocol.FlapDamping;
import dev.relais.agent.protocol.GroupSpec;
import dev.relais.agent.protocol.Keyring;
import dev.relais.agent.protocol.NodeSpec;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.Timing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Config builders for simulated clusters: one config per node, identical but for "self". */
public final class Clusters {
  static final Keyring KEYS =
      new Keyring(Map.of(7, "simulation-key-0123456789".getBytes(StandardCharsets.UTF_8)), 7);

  private Clusters() {}

  public static List<ProtocolConfig> configs(
      List<NodeSpec> nodes,
      List<GroupSpec> groups,
      Timing timing,
      FailbackPolicy failback,
      FlapDamping damping) {
    return configs(
        nodes, groups, timing, failback, damping, ProtocolConfig.defaultHandoffBound(timing));
  }

  /**
   * The handoff bound the agent runs with: two keepalives, never below 100 ms (runtime's
   * ProtocolConfigs), which also bounds how long a calm node's reads wait.
   */
  public static Duration agentHandoffBound(Timing timing) {
    Duration two = ProtocolConfig.defaultHandoffBound(timing);
    return two.compareTo(Duration.ofMillis(100)) >= 0 ? two : Duration.ofMillis(100);
  }

  public static List<ProtocolConfig> configs(
      List<NodeSpec> nodes,
      List<GroupSpec> groups,
      Timing timing,
      FailbackPolicy failback,
      FlapDamping damping,
      Duration handoffBound) {
    return nodes.stream()
        .map(
            n ->
                new ProtocolConfig(
                    "sim",
                    n.name(),
                    nodes,
                    groups,
                    timing,
                    failback,
                    Set.of(),
                    Map.of(),
                    damping,
                    handoffBound,
                    1,
                    KEYS))
        .toList();
  }

  /** The heartbeat tutorial: maitre (preferred, priority 200) and esclave (100), one VIP. */
  public static List<ProtocolConfig> tutorial(FailbackPolicy failback) {
    return configs(
        List.of(new NodeSpec("maitre", 200, 1), new NodeSpec("esclave", 100, 1)),
        List.of(new GroupSpec("vip", "maitre")),
        Timing.tutorial(),
        failback,
        FlapDamping.standard());
  }

  public static ProtocolConfig withStandby(ProtocolConfig c, Set<String> standby) {
    return new ProtocolConfig(
        c.clusterId(),
        c.self(),
        c.nodes(),
        c.groups(),
        c.timing(),
        c.failback(),
        standby,
        c.requested(),
        c.damping(),
        c.handoffBound(),
        c.generation() + 1,
        c.keyring());
  }

  public static ProtocolConfig withRequested(ProtocolConfig c, Map<String, String> requested) {
    return new ProtocolConfig(
        c.clusterId(),
        c.self(),
        c.nodes(),
        c.groups(),
        c.timing(),
        c.failback(),
        c.standby(),
        requested,
        c.damping(),
        c.handoffBound(),
        c.generation() + 1,
        c.keyring());
  }
}
