package dev.relais.agent.protocol;

import dev.relais.agent.protocol.ClusterView.Member;
import dev.relais.agent.protocol.Effect.PublishState;
import dev.relais.agent.protocol.Effect.Report;
import dev.relais.agent.protocol.Effect.SendHeartbeat;
import dev.relais.agent.protocol.Effect.ShutdownComplete;
import dev.relais.agent.protocol.Effect.StateChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The heartbeat protocol and election of one node: a pure, deterministic state machine. Time comes
 * in as monotonic nanoseconds, every input returns the effects to perform in order, and {@link
 * #nextDeadlineNanos()} says when to call {@link #onTick} next (calling it earlier or more often is
 * harmless). Not thread-safe: one thread, the runtime's event loop, owns it.
 *
 * <p>Boot epoch contract: {@code bootEpoch} must be strictly greater than the value of every
 * earlier run of this node (the runtime persists a floor and uses max(floor + 1, wall-clock
 * seconds)); peers drop an earlier boot's datagrams as replays and forget its claims.
 */
public final class ProtocolMachine {
  /**
   * A node holding no group, with nothing changed for one deadTime, is quiet: with a keepalive
   * under {@link #QUIET_INTERVAL_MAX} it sends and advertises a longer interval (ten keepalives, at
   * most 100 ms) and a deadTime of at least {@link #QUIET_TOLERANCE} of those, as a VRRP backup
   * stays silent. Failover waits only on an owner's death, so only owners pay for fast detection;
   * any change (a status, a role, a handoff, a peer appearing) sends at once and at the fast rate
   * for a deadTime, so a lost datagram is repeated within a keepalive when it matters. Halves the
   * datagrams of a two-node cluster at the fast profile. Cost: after a double failure (a backup,
   * then the owner, within a quiet deadTime) the next backup may wait for the first one's quiet
   * deadTime to run out before it takes over.
   */
  static final long QUIET_INTERVAL_MAX = 100_000_000L;

  static final int QUIET_TOLERANCE = 5;

  /** Heartbeats at the fast rate that advertise the quiet timing before a node goes quiet. */
  static final int QUIET_ANNOUNCE = 3;

  /**
   * An answering backup's next heartbeat comes an interval and this fraction of one after the
   * owner's (see {@link #answersOwner}): 31 ms at 1 s, room for the owner's timer lateness.
   */
  static final int ANSWER_GRACE = 32;

  /** A calm node's reads wait at most this long (see {@link #deferReadsUntil}). */
  static final long DEFER_MAX = 50_000_000L;

  private ProtocolConfig config;
  private int groupTable; // the revision of config's group table, advertised in version 4
  private final long bootEpoch;
  private final int highestVersion;
  private final Map<String, GroupElection> groups = new LinkedHashMap<>();
  private final Map<String, Long> eligibleSince = new HashMap<>();
  private Membership membership;
  private Health health = Health.healthy();
  private NodeStatus status = NodeStatus.INIT;
  private Reason statusReason = Reason.STARTED;
  private final Map<String, GroupRole> roles = new HashMap<>();
  private long startNanos;
  private boolean started;
  private boolean canAct;
  private boolean leaving;
  private boolean stopped;
  private long sequence;
  private long nextSendNanos;
  private long lastSendNanos;
  private long sendIntervalNanos; // the interval the last heartbeat advertised
  private long nextDeadline = Long.MAX_VALUE;
  private long groupsDeadline = Long.MAX_VALUE;
  private long calmSinceNanos;
  private StateSnapshot published;

  public ProtocolMachine(ProtocolConfig config, long bootEpoch) {
    this(config, bootEpoch, HeartbeatCodec.VERSION);
  }

  /** A machine that speaks at most wire version {@code highestVersion}: tests play older nodes. */
  ProtocolMachine(ProtocolConfig config, long bootEpoch, int highestVersion) {
    if (bootEpoch < 0) {
      throw new IllegalArgumentException("boot epoch must not be negative");
    }
    this.config = config;
    this.groupTable = HeartbeatCodec.groupTable(config);
    this.bootEpoch = bootEpoch;
    this.highestVersion = highestVersion;
    for (var g : config.groups()) {
      groups.put(g.name(), new GroupElection(g));
    }
  }

  /** Starts the clock: INIT, first heartbeats out at once; claims wait for the cluster. */
  public List<Effect> start(long nowNanos) {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    startNanos = nowNanos;
    nextSendNanos = nowNanos;
    membership = new Membership(config, nowNanos, bootEpoch);
    var out = new ArrayList<Effect>();
    out.add(
        new StateChange(config.clusterId(), config.self(), "", "", status.name(), Reason.STARTED));
    step(nowNanos, out, true, true);
    return out;
  }

  /** An accepted heartbeat (see {@link HeartbeatCodec#decode}) that arrived on {@code path}. */
  public List<Effect> onHeartbeat(Heartbeat heartbeat, int path, long nowNanos) {
    if (!started || stopped) {
      return List.of();
    }
    var out = new ArrayList<Effect>();
    boolean news = membership.onHeartbeat(heartbeat, path, nowNanos, out);
    // A peer that appears or restarts hears from us at once, so it learns the cluster without
    // waiting for a quiet node's next heartbeat.
    boolean greet = membership.takeGreeting();
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) instanceof Report r
          && (r.reason() == Reason.PEER_ALIVE || r.reason() == Reason.PEER_RESTARTED)) {
        greet = true;
      }
    }
    // Any membership report (a path up, a peer back) changes what the snapshot shows: republish.
    step(nowNanos, out, greet, news || !out.isEmpty(), answersOwner(heartbeat, nowNanos));
    return out;
  }

  /**
   * A node that holds nothing sends its next heartbeat with the owner's, in the wakeup the owner's
   * heartbeat caused, when it is due before the owner's next one: one wakeup instead of two at
   * rest. Its grid then moves to now plus an interval and a grace ({@link #ANSWER_GRACE}), so the
   * owner's next heartbeat, a little late, still comes first. One of ours that beat the owner's by
   * less than the grace (the owner was later than that) moves the grid the same way without
   * sending. Heartbeats are only ever earlier than due or a grace late, a gap at most two graces
   * longer than the interval, far inside warnTime and deadTime; one owner only, so the rate stays
   * its (docs/design/protocol.md, "Cost per event").
   */
  private boolean answersOwner(Heartbeat heartbeat, long nowNanos) {
    if (nowNanos >= nextSendNanos || !heartbeat.sender().equals(anchor())) return false;
    long grace = sendIntervalNanos / ANSWER_GRACE;
    if (nowNanos - lastSendNanos < grace) { // also the owner's same heartbeat on another path
      nextSendNanos = Math.max(nextSendNanos, nowNanos + sendIntervalNanos + grace);
      return false;
    }
    return nextSendNanos - nowNanos <= heartbeat.keepaliveMillis() * 1_000_000L;
  }

  /**
   * While this node holds no group, the owner of the first: the node whose heartbeats it answers.
   */
  private String anchor() {
    String anchor = "";
    for (var g : groups.values()) {
      if (g.held()) return "";
      if (anchor.isEmpty()) anchor = g.owner();
    }
    return anchor;
  }

  /** The clock advanced: liveness, timers, periodic heartbeats. */
  public List<Effect> onTick(long nowNanos) {
    if (!started || stopped) {
      return List.of();
    }
    var out = new ArrayList<Effect>();
    step(nowNanos, out, false, false, false);
    return out;
  }

  /** New health from the data plane (tracked interfaces, ping targets). */
  public List<Effect> onHealth(Health newHealth, long nowNanos) {
    health = newHealth;
    if (!started || stopped) {
      return List.of();
    }
    var out = new ArrayList<Effect>();
    step(nowNanos, out, true, true);
    return out;
  }

  /** A new config generation (standby, requests, timing, nodes, groups, keys). */
  public List<Effect> onConfig(ProtocolConfig newConfig, long nowNanos) {
    if (!newConfig.self().equals(config.self())
        || !newConfig.clusterId().equals(config.clusterId())) {
      throw new IllegalArgumentException("a machine keeps its cluster and node name");
    }
    var out = new ArrayList<Effect>();
    var kept = new LinkedHashMap<String, GroupElection>();
    for (var g : newConfig.groups()) {
      var old = groups.remove(g.name());
      if (old != null) {
        old.respec(g);
      }
      kept.put(g.name(), old != null ? old : new GroupElection(g));
    }
    for (var removed : groups.values()) {
      if (removed.dropNow(Reason.CONFIG_CHANGED, out)) {
        out.add(
            change(removed.spec.name(), GroupRole.MASTER, role(removed), Reason.CONFIG_CHANGED));
      }
      roles.remove(removed.spec.name());
    }
    groups.clear();
    groups.putAll(kept);
    long oldKeepalive = config.timing().keepalive().toNanos();
    config = newConfig;
    groupTable = HeartbeatCodec.groupTable(newConfig);
    if (!started || stopped) {
      return out;
    }
    membership.reconfigure(newConfig, nowNanos);
    long keepalive = newConfig.timing().keepalive().toNanos();
    if (keepalive < oldKeepalive) {
      nextSendNanos = Math.min(nextSendNanos, nowNanos + keepalive);
    }
    step(nowNanos, out, true, true);
    return out;
  }

  /**
   * Clean shutdown: hand every group over make-before-break, release at the handoff bound at the
   * latest, then {@link ShutdownComplete}. Peers take over at once from a LEAVING node.
   */
  public List<Effect> requestShutdown(long nowNanos) {
    if (!started || stopped) {
      return List.of(new ShutdownComplete());
    }
    leaving = true;
    var out = new ArrayList<Effect>();
    step(nowNanos, out, true, true);
    return out;
  }

  /**
   * Sends this node's heartbeats at once. The runtime leaves a claim out of its heartbeats while
   * the VIP is being added and announced (runtime.md); it calls this when the claim may go, so the
   * old owner of a handoff hears it within a one-way delay, not at the next keepalive.
   */
  public List<Effect> sendNow(long nowNanos) {
    if (!started || stopped) {
      return List.of();
    }
    var out = new ArrayList<Effect>();
    step(nowNanos, out, true, false);
    return out;
  }

  /** When {@link #onTick} must be called next; {@code Long.MAX_VALUE} once stopped. */
  public long nextDeadlineNanos() {
    return nextDeadline;
  }

  /**
   * Until when the runtime may leave peers' datagrams unread in the kernel's queues, or {@code
   * Long.MIN_VALUE} to read each as it comes. At that moment, and before any other input, it reads
   * what waited, passes each heartbeat to {@link #onHeartbeat} with the time it came (so a late
   * read is judged as a timely one) and calls {@link #onTick}; that moment replaces {@link
   * #nextDeadlineNanos()} as its wakeup.
   *
   * <p>Only a calm node defers: a keepalive under {@link #QUIET_INTERVAL_MAX} (slower, a wakeup per
   * heartbeat is no cost worth a wait), nothing sent at once for a deadTime, every group owned and
   * none waiting on a deadline of its own (a hold, a handoff, damping). The deadlines that decide,
   * a peer's or a path's death and this node's next heartbeat, are kept exactly, as reads come at
   * them; what a peer's heartbeat sets off, an answer or a handoff it offers, waits at most {@link
   * #DEFER_MAX} or to the next such deadline; a late warning waits for the next read. The first
   * change makes the node read at once again, for a deadTime. docs/design/protocol.md, "Deferred
   * reads".
   */
  public long deferReadsUntil(long nowNanos) {
    if (!started
        || stopped
        || leaving
        || !canAct
        || groupsDeadline != Long.MAX_VALUE
        || !membership.allSettled()
        || config.timing().keepalive().toNanos() >= QUIET_INTERVAL_MAX
        || nowNanos - calmSinceNanos < config.timing().deadTime().toNanos()) {
      return Long.MIN_VALUE;
    }
    for (var g : groups.values()) {
      if (g.owner().isEmpty()) return Long.MIN_VALUE;
    }
    long until = Math.min(nowNanos + readDeferralBound(config).toNanos(), nextSendNanos);
    until = Math.min(until, membership.nextDeadline(false));
    return until > nowNanos ? until : Long.MIN_VALUE;
  }

  /**
   * The longest a calm node leaves a datagram unread: {@link #DEFER_MAX}, and half the handoff
   * bound, since a peer offering a handoff waits that long for the claim.
   */
  public static Duration readDeferralBound(ProtocolConfig config) {
    return Duration.ofNanos(Math.min(DEFER_MAX, config.handoffBound().toNanos() / 2));
  }

  public NodeStatus status() {
    return status;
  }

  /** Whether this node currently holds the group's VIP. */
  public boolean holds(String group) {
    var g = groups.get(group);
    return g != null && g.held();
  }

  /**
   * One decision round. The groups are evaluated (view built, elections run, state published) only
   * when an input could change a decision: a forced round, news from a peer, a membership report, a
   * status change or a group's own deadline. A routine heartbeat or keepalive tick, hundreds per
   * second at the fast profile, only updates liveness and sends — the same decisions at a fraction
   * of the cost (docs/design/protocol.md, "Cost per event").
   */
  private void step(long nowNanos, List<Effect> out, boolean sendNow, boolean news) {
    step(nowNanos, out, sendNow, news, false);
  }

  /** {@code answer}: send with this wakeup though not yet due (see {@link #answersOwner}). */
  private void step(
      long nowNanos, List<Effect> out, boolean sendNow, boolean news, boolean answer) {
    int before = out.size();
    membership.onTick(nowNanos, out);
    if (!canAct && (membership.heardAll() || nowNanos - startNanos >= initDeadNanos())) {
      canAct = true;
      out.add(
          new Report(
              membership.heardAll() ? Reason.CLUSTER_HEARD : Reason.INIT_DEAD_EXPIRED,
              config.self(),
              "may claim from now on"));
    }
    var newStatus = computeStatus();
    if (newStatus != status) {
      var why =
          switch (newStatus) {
            case INIT -> Reason.STARTED; // unreachable: a node never returns to INIT
            case ACTIVE ->
                status == NodeStatus.INIT
                    ? (membership.heardAll() ? Reason.CLUSTER_HEARD : Reason.INIT_DEAD_EXPIRED)
                    : status == NodeStatus.FAULT ? Reason.HEALTHY : Reason.CONFIG_CHANGED;
            case STANDBY -> Reason.STANDBY;
            case FAULT -> Reason.FAULT;
            case LEAVING -> Reason.SHUTDOWN;
          };
      out.add(
          new StateChange(
              config.clusterId(), config.self(), "", status.name(), newStatus.name(), why));
      status = newStatus;
      statusReason = why;
      sendNow = true;
    }
    boolean evaluate = sendNow || news || out.size() > before || nowNanos >= groupsDeadline;
    boolean holdsAny = false;
    if (evaluate) {
      var view = view(nowNanos);
      groupsDeadline = Long.MAX_VALUE;
      for (var g : groups.values()) {
        boolean held = g.held();
        sendNow |= g.evaluate(view, config, nowNanos, out);
        groupsDeadline = Math.min(groupsDeadline, g.deadline());
        if (held && !g.held()) {
          // The heartbeat that superseded us may also offer the group back (a leaving owner that
          // had just taken it): look again at once, as its repeats are no news.
          groupsDeadline = Math.min(groupsDeadline, nowNanos + 1);
        }
        var role = role(g);
        var was = roles.put(g.spec.name(), role);
        if (was != role) {
          // A move says why the VIP moved; any other role change follows the node's status.
          var why =
              (was == GroupRole.MASTER || role == GroupRole.MASTER) ? g.lastReason() : statusReason;
          out.add(change(g.spec.name(), was, role, why));
        }
      }
    }
    for (var g : groups.values()) {
      holdsAny |= g.held();
    }
    if (sendNow) {
      calmSinceNanos = nowNanos;
    }
    if (sendNow || answer || nowNanos >= nextSendNanos) {
      sendHeartbeats(nowNanos, out, answer && !sendNow);
    }
    if (leaving && !holdsAny) {
      stopped = true;
      out.add(new ShutdownComplete());
      nextDeadline = Long.MAX_VALUE;
      return;
    }
    if (evaluate) {
      publishIfChanged(out);
    }
    nextDeadline = deadline();
  }

  private StateChange change(String group, GroupRole from, GroupRole to, Reason why) {
    return new StateChange(
        config.clusterId(), config.self(), group, from == null ? "" : from.name(), to.name(), why);
  }

  private NodeStatus computeStatus() {
    if (leaving) {
      return NodeStatus.LEAVING;
    }
    if (!canAct) {
      return NodeStatus.INIT;
    }
    if (health.fault()) {
      return NodeStatus.FAULT;
    }
    return config.standby().contains(config.self()) ? NodeStatus.STANDBY : NodeStatus.ACTIVE;
  }

  private GroupRole role(GroupElection g) {
    if (g.held()) {
      return GroupRole.MASTER;
    }
    return switch (status) {
      case INIT -> GroupRole.INIT;
      case ACTIVE -> GroupRole.BACKUP;
      case STANDBY -> GroupRole.STANDBY;
      case FAULT -> GroupRole.FAULT;
      case LEAVING -> GroupRole.STOPPED;
    };
  }

  private ClusterView view(long nowNanos) {
    var self = config.selfSpec();
    var members = new ArrayList<Member>();
    members.add(
        new Member(self.name(), self.priority(), status, health.pingReachable(), startNanos));
    var live = new ArrayList<Heartbeat>();
    var all = new ArrayList<Heartbeat>();
    for (var peer : membership.peers()) {
      var hb = peer.latest();
      if (hb == null) {
        continue;
      }
      all.add(hb);
      if (!peer.alive) {
        eligibleSince.remove(peer.name);
        continue;
      }
      live.add(hb);
      long since = eligibleSince.getOrDefault(peer.name, -1L);
      if (hb.status() == NodeStatus.ACTIVE) {
        if (since < 0) {
          since = nowNanos;
          eligibleSince.put(peer.name, since);
        }
      } else {
        eligibleSince.remove(peer.name);
      }
      members.add(new Member(peer.name, hb.priority(), hb.status(), hb.pingReach(), since));
    }
    long startupEnds = startNanos + initDeadNanos();
    return new ClusterView(
        config.self(), status, members, live, all, startupEnds, nowNanos < startupEnds);
  }

  private void sendHeartbeats(long nowNanos, List<Effect> out, boolean answer) {
    var entries = new ArrayList<GroupEntry>();
    for (var g : groups.values()) {
      g.entries(nowNanos, entries);
    }
    var self = config.selfSpec();
    var timing = config.timing();
    long keepalive = timing.keepalive().toNanos();
    long interval = keepalive; // advertised
    long every = keepalive; // sent
    long deadTime = timing.deadTime().toNanos();
    long calm = nowNanos - calmSinceNanos;
    if (entries.isEmpty() && keepalive < QUIET_INTERVAL_MAX && calm >= deadTime) {
      interval = Math.max(keepalive, Math.min(10 * keepalive, QUIET_INTERVAL_MAX));
      // The peers learn the quiet deadTime before the first long gap: were the one heartbeat that
      // announces it lost, they would count this node dead at the fast deadTime.
      if (calm >= deadTime + QUIET_ANNOUNCE * keepalive) every = interval;
      deadTime = Math.max(deadTime, QUIET_TOLERANCE * interval);
    }
    var echoes = new ArrayList<Echo>();
    for (var peer : membership.peers()) {
      var echoed = membership.toEcho(peer, nowNanos);
      if (echoed != null) {
        long held = (nowNanos - membership.heardNanos(peer, echoed)) / 1_000;
        echoes.add(
            new Echo(
                peer.name,
                echoed.sequence(),
                (int) Math.min(Integer.MAX_VALUE, held),
                Echo.tagOf(echoed.bootEpoch())));
      }
    }
    // Wire versions (docs/design/protocol.md): the newest always; the older one as well while a
    // live peer speaks only that, so nodes of both versions hear each other during an upgrade.
    boolean legacy =
        highestVersion < HeartbeatCodec.VERSION || membership.legacyPeerHeard(nowNanos);
    // Groups as indices only into a table every peer advertises (docs/design/protocol.md, "Group
    // indices"); after our own config changes, ids until the peers advertise the new table too.
    boolean indices = membership.allOnTable(groupTable);
    for (int path = 0; path < self.paths(); path++) {
      for (int version = highestVersion;
          version >= (legacy ? HeartbeatCodec.OLDEST_VERSION : highestVersion);
          version--) {
        out.add(
            new SendHeartbeat(
                new Heartbeat(
                    self.name(),
                    bootEpoch,
                    ++sequence,
                    config.generation(),
                    path,
                    status,
                    self.priority(),
                    health.pingReachable(),
                    (int) (interval / 1_000_000),
                    (int) (deadTime / 1_000_000),
                    entries,
                    echoes,
                    version,
                    version >= HeartbeatCodec.VERSION ? groupTable : 0,
                    version >= HeartbeatCodec.VERSION && indices)));
      }
    }
    lastSendNanos = nowNanos;
    sendIntervalNanos = every;
    if (nowNanos >= nextSendNanos) {
      nextSendNanos += every;
      if (nextSendNanos <= nowNanos) {
        nextSendNanos = nowNanos + every;
      }
    } else if (answer) {
      nextSendNanos = nowNanos + every + every / ANSWER_GRACE; // to the owner's heartbeats
    } else {
      nextSendNanos = Math.min(nextSendNanos, nowNanos + every); // quiet → fast at once
    }
  }

  private void publishIfChanged(List<Effect> out) {
    var groupViews = new ArrayList<StateSnapshot.GroupView>();
    for (var g : groups.values()) {
      groupViews.add(
          new StateSnapshot.GroupView(
              g.spec.name(), role(g), g.owner(), g.epoch(), Optional.ofNullable(g.hold())));
    }
    var peerViews = new ArrayList<StateSnapshot.PeerView>();
    for (var p : membership.peers()) {
      var hb = p.latest();
      peerViews.add(
          new StateSnapshot.PeerView(
              p.name, p.alive, hb == null ? NodeStatus.INIT : hb.status(), p.pathsUp()));
    }
    var snapshot =
        new StateSnapshot(
            config.clusterId(), config.self(), status, config.generation(), groupViews, peerViews);
    if (!snapshot.equals(published)) {
      published = snapshot;
      out.add(new PublishState(snapshot));
    }
  }

  private long deadline() {
    long next = Math.min(nextSendNanos, membership.nextDeadline());
    if (!canAct) {
      next = Math.min(next, startNanos + initDeadNanos());
    }
    return Math.min(next, groupsDeadline);
  }

  private long initDeadNanos() {
    return config.timing().initDead().toNanos();
  }
}
