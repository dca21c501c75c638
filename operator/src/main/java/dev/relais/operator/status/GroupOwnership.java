package dev.relais.operator.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Who holds one VIP group, from every node's claim. A powered-off owner's last report says Master
 * forever, so a claim is <em>superseded</em> when a peer reports that node unreachable since T,
 * claims the group with a higher epoch, and the old owner's last report is older than T. Two live
 * claims whose nodes each report the other unreachable are a split brain, not a failover.
 */
record GroupOwnership(
    String group, Optional<NodeReport> owner, List<NodeReport> claims, boolean splitBrain) {
  static GroupOwnership of(String group, List<NodeReport> reports) {
    List<NodeReport> live = new ArrayList<>();
    for (NodeReport claim : reports) {
      if (claim.claims(group) && !superseded(group, claim, reports)) live.add(claim);
    }
    live.sort(Comparator.comparingLong((NodeReport r) -> r.epoch(group)).reversed());
    boolean split = false;
    for (int i = 0; i < live.size() && !split; i++) {
      for (int j = i + 1; j < live.size() && !split; j++) {
        split =
            live.get(i).unreachableSince(live.get(j).node()).isPresent()
                && live.get(j).unreachableSince(live.get(i).node()).isPresent();
      }
    }
    return new GroupOwnership(group, live.stream().findFirst(), List.copyOf(live), split);
  }

  private static boolean superseded(String group, NodeReport claim, List<NodeReport> reports) {
    for (NodeReport other : reports) {
      if (other == claim || !other.claims(group) || other.epoch(group) <= claim.epoch(group)) {
        continue;
      }
      Optional<Instant> since = other.unreachableSince(claim.node());
      if (since.isPresent() && claim.reportTime().isBefore(since.get())) return true;
    }
    return false;
  }

  /** More than one live claim that is not a split brain: a handoff seen half-way. */
  boolean contested() {
    return claims.size() > 1 && !splitBrain;
  }
}
