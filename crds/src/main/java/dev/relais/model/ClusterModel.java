package dev.relais.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A validated RouterCluster with every default applied: what the renderer, the operator and the
 * import command work with. Built only by {@link RouterClusterTranslator}.
 */
public record ClusterModel(
    String namespace,
    String name,
    long generation,
    List<Node> nodes,
    List<VipGroup> vipGroups,
    AuthRef auth,
    Timing timing,
    Failback failback,
    Health health,
    Set<String> standby,
    Announce announce,
    Duration addressLifetime) {

  public ClusterModel {
    nodes = List.copyOf(nodes);
    vipGroups = List.copyOf(vipGroups);
    standby = Set.copyOf(standby);
    if (nodes.size() < 2) {
      throw new IllegalArgumentException("a cluster needs at least two nodes");
    }
  }

  public Optional<Node> node(String nodeName) {
    return nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst();
  }

  /** The cluster's identity on the wire and in logs: namespace/name. */
  public String clusterId() {
    return namespace + "/" + name;
  }
}
