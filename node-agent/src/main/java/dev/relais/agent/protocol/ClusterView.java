package dev.relais.agent.protocol;

import java.util.List;

/**
 * The cluster as this node sees it at one instant: every live member including itself, and the
 * latest heartbeat of every peer (alive or not) for claims and epochs. Built fresh for each
 * decision, so the election holds no stale references. During this node's own startup (until its
 * initDead has run out) peers still starting count as candidates for an ownerless group, so a cold
 * start does not hand the group to whichever node happened to hear the others first.
 */
record ClusterView(
    String self,
    NodeStatus selfStatus,
    List<Member> members,
    List<Heartbeat> liveHeartbeats,
    List<Heartbeat> allHeartbeats,
    long startupEndsNanos,
    boolean startup) {

  /** A live member: its advertised priority, status and ping reach. */
  record Member(
      String name, int priority, NodeStatus status, int pingReach, long eligibleSinceNanos) {}

  /** A live claim on a group. */
  record Claim(String node, long epoch, int priority) {
    /** Higher epoch wins, then higher priority, then the smaller name: a total order. */
    boolean beats(Claim other) {
      if (epoch != other.epoch) {
        return epoch > other.epoch;
      }
      if (priority != other.priority) {
        return priority > other.priority;
      }
      return node.compareTo(other.node) < 0;
    }
  }

  Member member(String name) {
    for (var m : members) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    return null;
  }

  /**
   * Whether a live peer advertises a config generation newer than {@code mine}, in serial-number
   * arithmetic on the low 32 bits (RFC 1982): version 4 carries only those, and a counter that
   * wraps must still read as newer.
   */
  boolean newerConfigLive(long mine) {
    for (var hb : liveHeartbeats) {
      if (newerGeneration(hb.configGeneration(), mine)) {
        return true;
      }
    }
    return false;
  }

  /** Whether generation {@code theirs} follows {@code mine} (RFC 1982, 32-bit serials). */
  static boolean newerGeneration(long theirs, long mine) {
    return (int) (theirs - mine) > 0;
  }

  /** The best live claim on {@code group} by a peer, or null. */
  Claim bestPeerClaim(String group) {
    Claim best = null;
    for (var hb : liveHeartbeats) {
      for (var e : hb.entries()) {
        if (e.kind() == GroupEntry.Kind.CLAIM && e.group().equals(group)) {
          var c = new Claim(hb.sender(), e.epoch(), hb.priority());
          if (best == null || c.beats(best)) {
            best = c;
          }
        }
      }
    }
    return best;
  }

  /** The highest epoch any peer ever mentioned for {@code group} in its latest heartbeat. */
  long maxEpoch(String group) {
    long max = 0;
    for (var hb : allHeartbeats) {
      for (var e : hb.entries()) {
        if (e.group().equals(group)) {
          max = Math.max(max, e.epoch());
        }
      }
    }
    return max;
  }

  /** The epoch {@code from} offers {@code group} to this node at, or 0 if it makes no offer. */
  long offerFrom(String from, String group) {
    for (var hb : liveHeartbeats) {
      if (hb.sender().equals(from)) {
        for (var e : hb.entries()) {
          if (e.kind() == GroupEntry.Kind.OFFER
              && e.group().equals(group)
              && e.peer().equals(self)) {
            return e.epoch();
          }
        }
      }
    }
    return 0;
  }

  /**
   * The candidates for a group: live ACTIVE members reaching the most ping targets (heartbeat's
   * ipfail rule); only when there is none, live STANDBY and FAULT members, so a lone degraded node
   * still serves rather than nobody.
   */
  List<Member> candidates(boolean includeStarting) {
    int maxReach = -1;
    for (var m : members) {
      if (eligible(m, includeStarting)) {
        maxReach = Math.max(maxReach, m.pingReach());
      }
    }
    if (maxReach >= 0) {
      final int reach = maxReach;
      return members.stream()
          .filter(m -> eligible(m, includeStarting) && m.pingReach() == reach)
          .toList();
    }
    return members.stream()
        .filter(m -> m.status() == NodeStatus.STANDBY || m.status() == NodeStatus.FAULT)
        .toList();
  }

  private static boolean eligible(Member m, boolean includeStarting) {
    return m.status() == NodeStatus.ACTIVE || (includeStarting && m.status() == NodeStatus.INIT);
  }

  /**
   * The node that should own a group: the requested node if it is a candidate, else the preferred
   * node if it is one, else the candidate of highest priority (smaller name on a tie).
   */
  Member best(GroupSpec group, String requested, boolean includeStarting) {
    var candidates = candidates(includeStarting);
    Member best = null;
    for (var m : candidates) {
      if (m.name().equals(requested)) {
        return m;
      }
    }
    for (var m : candidates) {
      if (m.name().equals(group.preferredNode())) {
        return m;
      }
      if (best == null
          || m.priority() > best.priority()
          || (m.priority() == best.priority() && m.name().compareTo(best.name()) < 0)) {
        best = m;
      }
    }
    return best;
  }
}
