package dev.relais.agent.protocol;

import java.util.List;

/** Everything the node reports upward, published whole whenever any of it changed. */
public record StateSnapshot(
    String cluster,
    String node,
    NodeStatus status,
    long configGeneration,
    List<GroupView> groups,
    List<PeerView> peers) {

  public StateSnapshot {
    groups = List.copyOf(groups);
    peers = List.copyOf(peers);
  }

  /** A group as this node sees it; {@code owner} is empty when no live node claims it. */
  public record GroupView(String group, GroupRole role, String owner, long epoch) {}

  /** A peer as this node sees it; {@code pathsUp} counts paths heard within deadTime. */
  public record PeerView(String name, boolean alive, NodeStatus status, int pathsUp) {}
}
