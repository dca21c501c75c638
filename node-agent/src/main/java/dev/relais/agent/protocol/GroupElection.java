package dev.relais.agent.protocol;

import dev.relais.agent.protocol.ClusterView.Claim;
import dev.relais.agent.protocol.ClusterView.Member;
import dev.relais.agent.protocol.Effect.AcquireVip;
import dev.relais.agent.protocol.Effect.AnnounceVip;
import dev.relais.agent.protocol.Effect.ReleaseVip;
import dev.relais.agent.protocol.Effect.Report;
import java.util.List;

/**
 * The election for one VIP group, from this node's seat (docs/design/protocol.md, "Election"). Only
 * an owner moves a group, by make-before-break offer; a backup claims only a group no live node
 * claims, and only if it is the best candidate; of two claims the higher (epoch, priority, smaller
 * name) wins and the other releases at once.
 */
final class GroupElection {
  GroupSpec spec;
  private boolean held;
  private long heldEpoch;
  private long maxEpoch;
  private String offerTarget;
  private long offerEpoch;
  private long offerDeadline;
  private Reason offerReason;
  private String confirmTo;
  private long confirmUntil;
  private long retryAfter;
  private String lastOwner;
  private String currentOwner;
  private long currentEpoch;
  private boolean dampedReported;
  private long behindSinceNanos = -1;
  private StateSnapshot.DampingHold hold;
  private final UnplannedLosses losses = new UnplannedLosses();
  private Reason lastReason = Reason.STARTED;
  private long deadline = Long.MAX_VALUE;

  GroupElection(GroupSpec spec) {
    this.spec = spec;
  }

  /** A new config generation changed the preferred node; the election state carries on. */
  void respec(GroupSpec newSpec) {
    spec = newSpec;
  }

  boolean held() {
    return held;
  }

  String owner() {
    return currentOwner == null ? "" : currentOwner;
  }

  long epoch() {
    return currentEpoch;
  }

  /** The reason of this group's latest acquire or release, for the state-change record. */
  Reason lastReason() {
    return lastReason;
  }

  long deadline() {
    return deadline;
  }

  /** The move flap damping holds back, if any, as of the latest evaluation. */
  StateSnapshot.DampingHold hold() {
    return hold;
  }

  /** Adds this group's claim, offer and confirmation to an outgoing heartbeat. */
  void entries(long nowNanos, List<GroupEntry> out) {
    if (!held) {
      return;
    }
    out.add(GroupEntry.claim(spec.name(), heldEpoch));
    if (offerTarget != null) {
      out.add(GroupEntry.offer(spec.name(), offerEpoch, offerTarget));
    }
    if (confirmTo != null && nowNanos < confirmUntil) {
      out.add(GroupEntry.confirm(spec.name(), heldEpoch, confirmTo));
    }
  }

  /** Releases because the group left the config or the node stopped; returns true if it held. */
  boolean dropNow(Reason reason, List<Effect> out) {
    if (!held) {
      return false;
    }
    release(reason, out);
    return true;
  }

  /** Decides this group once; returns true when a heartbeat should go out at once. */
  boolean evaluate(ClusterView view, ProtocolConfig config, long nowNanos, List<Effect> out) {
    deadline = Long.MAX_VALUE;
    hold = null;
    var group = spec.name();
    maxEpoch = Math.max(maxEpoch, view.maxEpoch(group));
    var peerClaim = view.bestPeerClaim(group);
    var self = view.member(view.self());
    if (held) {
      var mine = new Claim(view.self(), heldEpoch, config.selfSpec().priority());
      if (peerClaim != null && peerClaim.beats(mine)) {
        boolean confirmed = peerClaim.node().equals(offerTarget) && peerClaim.epoch() == offerEpoch;
        release(confirmed ? Reason.HANDOFF_CONFIRMED : Reason.SUPERSEDED, out);
        observeOwner(peerClaim.node(), peerClaim.epoch(), view, config, nowNanos);
        return true;
      }
      observeOwner(view.self(), heldEpoch, view, config, nowNanos);
      return considerMove(view, config, nowNanos, out);
    }
    if (peerClaim != null) {
      observeOwner(peerClaim.node(), peerClaim.epoch(), view, config, nowNanos);
      long offered = view.offerFrom(peerClaim.node(), group);
      // A healthy node takes any offer; a degraded or starting one only from an owner that is
      // leaving, since it is better than nobody.
      var offerer = view.member(peerClaim.node());
      boolean fromLeaving = offerer != null && offerer.status() == NodeStatus.LEAVING;
      var mine = view.selfStatus();
      boolean willing = mine == NodeStatus.ACTIVE || (fromLeaving && mine != NodeStatus.LEAVING);
      if (offered > peerClaim.epoch() && self != null && willing) {
        acquire(offered, Reason.HANDOFF_ACCEPTED, view, config, nowNanos, out);
        confirmTo = peerClaim.node();
        confirmUntil = nowNanos + config.handoffBound().toNanos();
        return true;
      }
      return false;
    }
    // Nobody live claims the group: the best candidate takes it, at once and undamped.
    currentOwner = null;
    var best = view.best(spec, config.requested().get(group), view.startup());
    var status = view.selfStatus();
    if (best != null && best.status() == NodeStatus.INIT && !best.name().equals(view.self())) {
      deadline = view.startupEndsNanos(); // a better-ranked peer is still starting: let it
      return false;
    }
    if (self != null
        && status != NodeStatus.INIT
        && status != NodeStatus.LEAVING
        && best != null
        && best.name().equals(view.self())) {
      if (behindNewerConfig(view, config, nowNanos)) {
        return false;
      }
      Reason why;
      if (lastOwner == null) {
        why = Reason.NO_OWNER;
      } else {
        why = view.member(lastOwner) == null ? Reason.OWNER_DEAD : Reason.OWNER_RELEASED;
      }
      acquire(maxEpoch + 1, why, view, config, nowNanos, out);
      return true;
    }
    return false;
  }

  /**
   * A live peer runs a newer config generation and nobody claims the group: most likely the owner
   * dropped the group in a config this node has not received yet, so taking it now would put a
   * removed address back on the LAN until our own config arrives. Wait for it, but at most one
   * deadTime (a peer with a newer config must not be able to keep a group ownerless).
   */
  private boolean behindNewerConfig(ClusterView view, ProtocolConfig config, long nowNanos) {
    if (!view.newerConfigLive(config.generation())) {
      behindSinceNanos = -1;
      return false;
    }
    if (behindSinceNanos < 0) {
      behindSinceNanos = nowNanos;
    }
    long until = behindSinceNanos + config.timing().deadTime().toNanos();
    if (nowNanos >= until) {
      return false;
    }
    deadline = Math.min(deadline, until);
    return true;
  }

  private boolean considerMove(
      ClusterView view, ProtocolConfig config, long nowNanos, List<Effect> out) {
    var status = view.selfStatus();
    var requested = config.requested().get(spec.name());
    var target = view.best(spec, requested, false);
    if (target == null && status == NodeStatus.LEAVING) {
      target = view.best(spec, requested, true); // even a starting peer beats nobody
    }
    if (target == null) {
      if (status == NodeStatus.LEAVING) {
        release(Reason.SHUTDOWN, out);
        return true;
      }
      return cancelOffer();
    }
    if (target.name().equals(view.self())) {
      return cancelOffer();
    }
    Reason reason;
    boolean damped = false;
    boolean releaseAtBound = false;
    if (status == NodeStatus.LEAVING) {
      reason = Reason.SHUTDOWN;
      releaseAtBound = true;
    } else if (target.status() != NodeStatus.ACTIVE || status == NodeStatus.INIT) {
      // A degraded owner only hands over to a healthy node; a starting one (that took the group
      // from a leaving owner) keeps it until it has heard the cluster.
      return cancelOffer();
    } else if (status == NodeStatus.FAULT) {
      reason = Reason.FAULT;
      releaseAtBound = true;
    } else if (status == NodeStatus.STANDBY) {
      reason = Reason.STANDBY;
    } else if (target.name().equals(config.requested().get(spec.name()))) {
      reason = Reason.REQUESTED;
    } else if (!view.candidates(false).contains(view.member(view.self()))) {
      reason = Reason.PING_REACH;
      damped = true;
    } else {
      switch (config.failback()) {
        case FailbackPolicy.Never() -> {
          return cancelOffer();
        }
        case FailbackPolicy.Auto() -> {}
        case FailbackPolicy.Delayed(var delay) -> {
          long due = target.eligibleSinceNanos() + delay.toNanos();
          if (nowNanos < due) {
            deadline = due;
            return cancelOffer();
          }
        }
      }
      reason = Reason.FAILBACK;
      damped = true;
    }
    if (offerTarget != null && !offerTarget.equals(target.name())) {
      cancelOffer();
    }
    if (offerTarget == null) {
      return startOffer(target, reason, damped, config, nowNanos, out);
    }
    if (nowNanos >= offerDeadline) {
      if (releaseAtBound) {
        release(Reason.HANDOFF_BOUND_RELEASE, out);
        return true;
      }
      out.add(
          new Report(
              Reason.HANDOFF_TIMED_OUT,
              spec.name(),
              "no confirmation from " + target.name() + " (" + offerReason + "), keeping the VIP"));
      cancelOffer();
      retryAfter = nowNanos + config.handoffBound().toNanos();
      deadline = retryAfter;
      return true;
    }
    deadline = offerDeadline;
    return false;
  }

  private boolean startOffer(
      Member target,
      Reason reason,
      boolean damped,
      ProtocolConfig config,
      long nowNanos,
      List<Effect> out) {
    if (nowNanos < retryAfter) {
      deadline = retryAfter;
      return false;
    }
    if (damped) {
      var damping = config.damping();
      long until = losses.heldUntil(target.name(), nowNanos, damping);
      if (until > nowNanos) {
        int count = losses.count(target.name(), nowNanos, damping);
        hold = new StateSnapshot.DampingHold(target.name(), until, count, reason);
        if (!dampedReported) {
          dampedReported = true;
          out.add(
              new Report(
                  Reason.FLAP_DAMPED,
                  spec.name(),
                  reason
                      + " to "
                      + target.name()
                      + " held for "
                      + (until - nowNanos) / 1_000_000
                      + " ms: it lost the group unplanned "
                      + count
                      + " times within "
                      + damping.window().toMillis()
                      + " ms"));
        }
        deadline = until;
        return false;
      }
    }
    dampedReported = false;
    offerTarget = target.name();
    offerEpoch = Math.max(heldEpoch, maxEpoch) + 1;
    maxEpoch = offerEpoch; // a later offer to another target outranks this one if both accept
    offerDeadline = nowNanos + config.handoffBound().toNanos();
    offerReason = reason;
    deadline = offerDeadline;
    out.add(
        new Report(
            Reason.HANDOFF_OFFERED,
            spec.name(),
            reason + " to " + target.name() + " at epoch " + offerEpoch));
    return true;
  }

  private boolean cancelOffer() {
    boolean had = offerTarget != null;
    offerTarget = null;
    return had;
  }

  private void observeOwner(
      String node, long epoch, ClusterView view, ProtocolConfig config, long nowNanos) {
    if (lastOwner != null && !lastOwner.equals(node) && lostUnplanned(lastOwner, view)) {
      losses.record(lastOwner, nowNanos, config.damping());
    }
    lastOwner = node;
    currentOwner = node;
    currentEpoch = epoch;
  }

  /**
   * Whether the previous owner lost the group unplanned: it is dead, restarted (INIT again without
   * having left), faulty, or reaches fewer ping targets than a candidate. A LEAVING, STANDBY or
   * healthy previous owner handed the group over or was superseded: planned, never counted.
   */
  private static boolean lostUnplanned(String previous, ClusterView view) {
    var m = view.member(previous);
    if (m == null) {
      return true;
    }
    return switch (m.status()) {
      case INIT, FAULT -> true;
      case ACTIVE -> !view.candidates(false).contains(m);
      case STANDBY, LEAVING -> false;
    };
  }

  private void acquire(
      long epoch,
      Reason reason,
      ClusterView view,
      ProtocolConfig config,
      long nowNanos,
      List<Effect> out) {
    observeOwner(view.self(), epoch, view, config, nowNanos);
    held = true;
    heldEpoch = epoch;
    maxEpoch = Math.max(maxEpoch, epoch);
    lastReason = reason;
    offerTarget = null;
    confirmTo = null;
    out.add(new AcquireVip(spec.name(), epoch));
    out.add(new AnnounceVip(spec.name()));
  }

  private void release(Reason reason, List<Effect> out) {
    held = false;
    lastReason = reason;
    offerTarget = null;
    confirmTo = null;
    currentOwner = null;
    out.add(new ReleaseVip(spec.name()));
  }
}
