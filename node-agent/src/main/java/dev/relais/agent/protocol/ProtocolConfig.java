package dev.relais.agent.protocol;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the protocol needs to know, translated once by the runtime from the rendered agent
 * config. {@code generation} rises with every config change and is advertised in heartbeats; {@code
 * standby} lists nodes in maintenance; {@code requested} maps a group to the node an operator asked
 * to hold it; {@code handoffBound} is how long an owner waits for a planned move to be confirmed.
 */
public record ProtocolConfig(
    String clusterId,
    String self,
    List<NodeSpec> nodes,
    List<GroupSpec> groups,
    Timing timing,
    FailbackPolicy failback,
    Set<String> standby,
    Map<String, String> requested,
    FlapDamping damping,
    Duration handoffBound,
    long generation,
    Keyring keyring) {

  public ProtocolConfig {
    WireNames.check("cluster id", clusterId);
    nodes = List.copyOf(nodes);
    groups = List.copyOf(groups);
    standby = Set.copyOf(standby);
    requested = Map.copyOf(requested);
    var names = new HashSet<String>();
    for (var n : nodes) {
      if (!names.add(n.name())) {
        throw new IllegalArgumentException("node " + n.name() + " listed twice");
      }
    }
    if (!names.contains(self)) {
      throw new IllegalArgumentException("this node " + self + " is not among the nodes");
    }
    if (nodes.size() > 255 || groups.size() > 64) {
      throw new IllegalArgumentException("at most 255 nodes and 64 groups fit a heartbeat");
    }
    var groupNames = new HashSet<String>();
    for (var g : groups) {
      if (!groupNames.add(g.name())) {
        throw new IllegalArgumentException("group " + g.name() + " listed twice");
      }
      if (!names.contains(g.preferredNode())) {
        throw new IllegalArgumentException("group " + g.name() + " prefers unknown node");
      }
    }
    for (var s : standby) {
      if (!names.contains(s)) {
        throw new IllegalArgumentException("standby names unknown node " + s);
      }
    }
    requested.forEach(
        (g, n) -> {
          if (!groupNames.contains(g) || !names.contains(n)) {
            throw new IllegalArgumentException("request " + g + " -> " + n + " names unknown");
          }
        });
    if (handoffBound.isNegative() || handoffBound.isZero()) {
      throw new IllegalArgumentException("handoffBound must be positive");
    }
    if (generation < 0) {
      throw new IllegalArgumentException("generation must not be negative");
    }
  }

  public NodeSpec selfSpec() {
    return node(self).orElseThrow();
  }

  public Optional<NodeSpec> node(String name) {
    for (var n : nodes) {
      if (n.name().equals(name)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  /** The same config with other timing. */
  public ProtocolConfig withTiming(Timing newTiming) {
    return new ProtocolConfig(
        clusterId,
        self,
        nodes,
        groups,
        newTiming,
        failback,
        standby,
        requested,
        damping,
        handoffBound,
        generation,
        keyring);
  }

  /** The default handoff bound: two keepalives. */
  public static Duration defaultHandoffBound(Timing timing) {
    return timing.keepalive().multipliedBy(2);
  }
}
