package dev.relais.agent.protocol;

import java.util.List;
import java.util.Optional;

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

  /**
   * A group as this node sees it; {@code owner} is empty when no live node claims it. {@code
   * damping} is present on the owner while flap damping holds a move of the group back.
   */
  public record GroupView(
      String group, GroupRole role, String owner, long epoch, Optional<DampingHold> damping) {
    public GroupView(String group, GroupRole role, String owner, long epoch) {
      this(group, role, owner, epoch, Optional.empty());
    }
  }

  /**
   * Flap damping holds {@code held} (Failback or PingReach) to {@code node} back until {@code
   * untilNanos} on the machine's clock, because {@code node} lost the group unplanned {@code
   * ownerChanges} times within the damping window.
   */
  public record DampingHold(String node, long untilNanos, int ownerChanges, Reason held) {}

  /** A peer as this node sees it; {@code pathsUp} counts paths heard within deadTime. */
  public record PeerView(String name, boolean alive, NodeStatus status, int pathsUp) {}
}
