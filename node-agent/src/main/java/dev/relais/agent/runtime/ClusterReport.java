package dev.relais.agent.runtime;

import dev.relais.agent.protocol.StateSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one cluster's runtime reports upward (to a node-state writer, tests): the machine's latest
 * snapshot plus what only the runtime observes (wall-clock times, takeover timings, probe findings,
 * damping). Immutable; a new value is published whenever any part changed.
 *
 * @param peerSince per peer, when its reachability last changed (wall clock)
 */
public record ClusterReport(
    StateSnapshot state,
    Map<String, Instant> peerSince,
    Optional<Takeover> lastTakeover,
    Optional<DuplicateOwner> duplicateOwner,
    Optional<Damping> damping) {

  public ClusterReport {
    peerSince = Map.copyOf(peerSince);
  }

  /**
   * This node's last takeover of a group: when it decided, from whom, why, and how long from the
   * last heartbeat heard of the old owner to the first announcement ({@code duration}, when known).
   */
  public record Takeover(
      Instant time,
      String group,
      String from,
      String reason,
      Optional<java.time.Duration> duration) {}

  /** A VIP of a group this node holds answered by other MACs as well (split brain on the LAN). */
  public record DuplicateOwner(String group, String address, List<String> macs, Instant since) {
    public DuplicateOwner {
      macs = List.copyOf(macs);
    }
  }

  /** Failback held back by flap damping until {@code until}. */
  public record Damping(Instant until, int ownerChanges, String reason) {}
}
