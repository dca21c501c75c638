package dev.relais.operator.status;

import dev.relais.api.v1alpha1.GroupRoleStatus;
import dev.relais.api.v1alpha1.NodeState;
import dev.relais.api.v1alpha1.PeerStatus;
import dev.relais.api.v1alpha1.RouterNodeState;
import dev.relais.api.v1alpha1.RouterNodeStateStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One node's latest report, read defensively: agents of other versions may omit fields. */
record NodeReport(String node, RouterNodeStateStatus status, Instant reportTime) {
  static NodeReport of(RouterNodeState state) {
    RouterNodeStateStatus s =
        Objects.requireNonNullElseGet(state.getStatus(), RouterNodeStateStatus::new);
    return new NodeReport(state.getSpec().node, s, time(s.reportTime).orElse(Instant.EPOCH));
  }

  Optional<GroupRoleStatus> group(String name) {
    return Objects.requireNonNullElse(status.vipGroups, List.<GroupRoleStatus>of()).stream()
        .filter(g -> name.equals(g.name))
        .findFirst();
  }

  boolean claims(String group) {
    return group(group).map(g -> g.role == NodeState.Master).orElse(false);
  }

  long epoch(String group) {
    return group(group).map(g -> g.epoch == null ? 0L : g.epoch).orElse(0L);
  }

  /** When this node last heard {@code peer}, if it reports it unreachable. */
  Optional<Instant> unreachableSince(String peer) {
    return Objects.requireNonNullElse(status.peers, List.<PeerStatus>of()).stream()
        .filter(p -> peer.equals(p.name) && Boolean.FALSE.equals(p.reachable))
        .findFirst()
        .map(p -> time(p.since).orElse(Instant.EPOCH));
  }

  static Optional<Instant> time(String rfc3339) {
    if (rfc3339 == null) return Optional.empty();
    try {
      return Optional.of(Instant.parse(rfc3339));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
