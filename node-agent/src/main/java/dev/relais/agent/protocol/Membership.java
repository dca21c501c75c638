package dev.relais.agent.protocol;

import dev.relais.agent.protocol.Effect.Report;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Peer liveness with heartbeat 3's semantics (heartbeat-3.md §5): a peer is late once silent for
 * warnTime, dead once silent for the deadTime it advertises itself (so a timing change rolling
 * through the nodes never causes a false failover), and judged by initDead until first heard. It is
 * dead only when every path is silent; a silent path alone is reported. Any heartbeat counts, even
 * a duplicate or a reordered one: it proves the peer was alive.
 *
 * <p>Freshness (docs/design/protocol.md, "Freshness"): a datagram that could have been recorded
 * before this node started proves nothing. A peer's boot counts only once one of its heartbeats
 * echoes this node's current boot epoch, and from then on only its heartbeats of that boot with a
 * sequence at least that one's (sent after it): earlier ones are not heard, not alive, not claims.
 * Such unproven heartbeats are still echoed, so the peer can prove us in turn. Wire version 3 is
 * proven the same way; once a boot spoke version 4, its version 3 copies are ignored.
 */
final class Membership {
  /** One path's state; a path never heard is reported down once initDead has passed. */
  private enum PathState {
    UNKNOWN,
    UP,
    DOWN
  }

  /** What we know about one peer. */
  static final class Peer {
    final String name;
    int paths;
    boolean heard;
    boolean alive;
    boolean lateReported;
    long lastHeardNanos;
    long[] pathHeardNanos;
    PathState[] pathStates;
    Heartbeat latest;
    long latestHeardNanos;
    // The newest accepted heartbeat not (yet) proven fresh, echoed so the peer can prove us.
    Heartbeat unproven;
    long unprovenHeardNanos;
    // The boot proven fresh, and the sequence of its first heartbeat that echoed our boot.
    long provenBoot = -1;
    long provenFrom;
    // A boot of this peer that spoke wire version 4: its version 3 datagrams are ignored.
    long modernBoot = -1;

    Peer(String name, int paths) {
      this.name = name;
      resize(paths);
    }

    void resize(int n) {
      var heard = new long[n];
      var states = new PathState[n];
      for (int i = 0; i < n; i++) {
        boolean kept = pathStates != null && i < pathStates.length;
        heard[i] = kept ? pathHeardNanos[i] : 0;
        // A path added by a config change is down until heard: hearing it is then news (PATH_UP).
        states[i] = kept ? pathStates[i] : pathStates == null ? PathState.UNKNOWN : PathState.DOWN;
      }
      paths = n;
      pathHeardNanos = heard;
      pathStates = states;
    }

    /** The latest heartbeat (highest boot epoch, then sequence), or null if never heard. */
    Heartbeat latest() {
      return latest;
    }

    int pathsUp() {
      int n = 0;
      for (var s : pathStates) {
        if (s == PathState.UP) {
          n++;
        }
      }
      return n;
    }
  }

  private final Map<String, Peer> peers = new HashMap<>();
  private final List<Peer> order = new ArrayList<>();
  private final String self;
  private final int bootTag;
  private boolean greet;
  private long startNanos;
  private long initDeadNanos;
  private long warnNanos;

  Membership(ProtocolConfig config, long startNanos, long bootEpoch) {
    this.self = config.self();
    this.bootTag = Echo.tagOf(bootEpoch);
    this.startNanos = startNanos;
    reconfigure(config, startNanos);
  }

  /** Keeps what is known about peers still listed; a new peer gets initDead from now. */
  void reconfigure(ProtocolConfig config, long nowNanos) {
    initDeadNanos = config.timing().initDead().toNanos();
    warnNanos = config.timing().warnTime().toNanos();
    order.clear();
    var listed = new HashMap<String, Peer>();
    for (var spec : config.nodes()) {
      if (spec.name().equals(config.self())) {
        continue;
      }
      var peer = peers.get(spec.name());
      if (peer == null) {
        peer = new Peer(spec.name(), spec.paths());
        if (nowNanos != startNanos) {
          peer.lastHeardNanos = nowNanos; // judged by initDead from the moment it was added
        }
      } else if (peer.paths != spec.paths()) {
        peer.resize(spec.paths());
      }
      listed.put(spec.name(), peer);
      order.add(peer);
    }
    peers.clear();
    peers.putAll(listed);
  }

  List<Peer> peers() {
    return order;
  }

  Peer peer(String name) {
    return peers.get(name);
  }

  /** Every peer has been heard at least once since start (heartbeat's "communication up"). */
  boolean heardAll() {
    for (var p : order) {
      if (!p.heard) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every peer is alive and settled (neither starting nor leaving): none whose return, restart or
   * first heartbeat would need an answer soon.
   */
  boolean allSettled() {
    for (var p : order) {
      if (!p.alive
          || p.latest == null
          || p.latest.status() == NodeStatus.INIT
          || p.latest.status() == NodeStatus.LEAVING) {
        return false;
      }
    }
    return true;
  }

  /**
   * Records a heartbeat received on {@code path}; returns true when it is news — the peer or a path
   * came back, or it is newer than the latest one and says something the election reads (status,
   * priority, ping reach, group entries) differently — so the caller should re-evaluate claims.
   */
  boolean onHeartbeat(Heartbeat hb, int path, long nowNanos, List<Effect> out) {
    var peer = peers.get(hb.sender());
    if (peer == null || !fresh(peer, hb, nowNanos)) {
      return false;
    }
    int before = out.size();
    peer.lastHeardNanos = Math.max(peer.lastHeardNanos, nowNanos);
    peer.lateReported = false;
    if (path >= 0 && path < peer.paths) {
      peer.pathHeardNanos[path] = nowNanos;
      if (peer.pathStates[path] == PathState.DOWN) {
        out.add(new Report(Reason.PATH_UP, peer.name, "path " + path));
      }
      peer.pathStates[path] = PathState.UP;
    }
    if (!peer.alive) {
      peer.alive = true;
      out.add(new Report(Reason.PEER_ALIVE, peer.name, peer.heard ? "returned" : "first heard"));
    }
    peer.heard = true;
    var latest = peer.latest;
    boolean newer =
        latest == null
            || hb.bootEpoch() > latest.bootEpoch()
            || (hb.bootEpoch() == latest.bootEpoch() && hb.sequence() > latest.sequence());
    if (newer) {
      if (latest != null && hb.bootEpoch() > latest.bootEpoch()) {
        out.add(new Report(Reason.PEER_RESTARTED, peer.name, "boot epoch " + hb.bootEpoch()));
      }
      peer.latest = hb;
      peer.latestHeardNanos = nowNanos;
    }
    return out.size() > before || (newer && !sameStatement(latest, hb));
  }

  /**
   * Whether {@code hb} was certainly sent after this node started (see the class comment); if not,
   * keeps it as the peer's newest unproven heartbeat, for the echo.
   */
  private boolean fresh(Peer peer, Heartbeat hb, long nowNanos) {
    long boot = hb.bootEpoch();
    if (hb.wireVersion() >= HeartbeatCodec.VERSION) {
      peer.modernBoot = Math.max(peer.modernBoot, boot);
    } else if (boot <= peer.modernBoot) {
      return false; // a newer node's version 3 copy: its version 4 datagrams count
    }
    if (boot == peer.provenBoot && hb.sequence() >= peer.provenFrom) {
      return true;
    }
    if (boot > peer.provenBoot && echoesUs(hb)) {
      peer.provenBoot = boot;
      peer.provenFrom = hb.sequence();
      return true;
    }
    var pending = peer.unproven;
    if (boot > peer.provenBoot && (pending == null || boot > pending.bootEpoch())) {
      greet = true; // a boot we have not proven: answer at once, so it can prove us and we it
    }
    if (boot > peer.provenBoot
        && (pending == null
            || boot > pending.bootEpoch()
            || (boot == pending.bootEpoch() && hb.sequence() > pending.sequence()))) {
      peer.unproven = hb;
      peer.unprovenHeardNanos = nowNanos;
    }
    return false;
  }

  private boolean echoesUs(Heartbeat hb) {
    var echoes = hb.echoes();
    for (int i = 0; i < echoes.size(); i++) {
      var e = echoes.get(i);
      if (e.bootTag() == bootTag && e.peer().equals(self)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The heartbeat of {@code peer} to echo, or null: its latest if it is alive, else one not yet
   * proven, heard within initDead (it may be a peer waiting for us to prove it fresh).
   */
  Heartbeat toEcho(Peer peer, long nowNanos) {
    if (peer.alive && peer.latest != null) {
      return peer.latest;
    }
    var pending = peer.unproven;
    if (pending != null
        && pending.bootEpoch() > peer.provenBoot
        && nowNanos - peer.unprovenHeardNanos <= initDeadNanos) {
      return pending;
    }
    return null;
  }

  /** When {@link #toEcho} heard the heartbeat it returns. */
  long heardNanos(Peer peer, Heartbeat echoed) {
    return echoed == peer.latest ? peer.latestHeardNanos : peer.unprovenHeardNanos;
  }

  /** Whether a new unproven boot was heard since the last call (it should be answered at once). */
  boolean takeGreeting() {
    boolean g = greet;
    greet = false;
    return g;
  }

  /**
   * Whether a peer this node echoes (alive, or not yet proven) speaks only an older wire version,
   * so this node must send that as well: the old node proves us, and we it, only through it.
   */
  boolean legacyPeerHeard(long nowNanos) {
    for (var p : order) {
      var echoed = toEcho(p, nowNanos);
      if (echoed != null && echoed.wireVersion() < HeartbeatCodec.VERSION) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether every peer is alive and advertises group table {@code table} in its latest heartbeat
   * and in any newer boot heard but not yet proven: only then may this node send groups as indices
   * into it (docs/design/protocol.md, "Group indices"). A peer that is dead, not yet heard, on
   * version 3 or on another table gets ids, so nobody ever has to read an index it cannot resolve.
   */
  boolean allOnTable(int table) {
    for (var p : order) {
      if (!p.alive || p.latest == null || p.latest.groupTable() != table) {
        return false;
      }
      var pending = p.unproven;
      if (pending != null && pending.bootEpoch() > p.provenBoot && pending.groupTable() != table) {
        return false;
      }
    }
    return true;
  }

  /** Whether two heartbeats of one boot say the same to the election (written out: hot path). */
  private static boolean sameStatement(Heartbeat a, Heartbeat b) {
    if (a == null
        || a.bootEpoch() != b.bootEpoch()
        || a.status() != b.status()
        || a.priority() != b.priority()
        || a.pingReach() != b.pingReach()) {
      return false;
    }
    List<GroupEntry> x = a.entries();
    List<GroupEntry> y = b.entries();
    if (x.size() != y.size()) {
      return false;
    }
    for (int i = 0; i < x.size(); i++) {
      GroupEntry e = x.get(i);
      GroupEntry f = y.get(i);
      if (e.kind() != f.kind()
          || e.epoch() != f.epoch()
          || !e.group().equals(f.group())
          || !e.peer().equals(f.peer())) {
        return false;
      }
    }
    return true;
  }

  /** Applies the clock: late, dead and silent-path reports. Returns true if a peer died. */
  boolean onTick(long nowNanos, List<Effect> out) {
    boolean died = false;
    for (var peer : order) {
      long deadNanos = deadNanos(peer);
      long silent = nowNanos - (peer.heard ? peer.lastHeardNanos : startOr(peer));
      if (peer.alive && silent > deadNanos) {
        peer.alive = false;
        died = true;
        out.add(new Report(Reason.PEER_DEAD, peer.name, "silent " + silent / 1_000_000 + " ms"));
      } else if (!peer.heard && !peer.lateReported && silent > deadNanos) {
        peer.lateReported = true; // never heard: reported dead once, when initDead runs out
        out.add(new Report(Reason.PEER_DEAD, peer.name, "never heard within initDead"));
      } else if (peer.alive && !peer.lateReported && silent > warnNanos(peer)) {
        peer.lateReported = true;
        out.add(new Report(Reason.PEER_LATE, peer.name, "silent " + silent / 1_000_000 + " ms"));
      }
      for (int i = 0; i < peer.paths; i++) {
        var state = peer.pathStates[i];
        boolean down =
            state == PathState.UP
                ? nowNanos - peer.pathHeardNanos[i] > deadNanos
                : state == PathState.UNKNOWN && peer.alive && nowNanos - startNanos > initDeadNanos;
        if (down) {
          peer.pathStates[i] = PathState.DOWN;
          out.add(new Report(Reason.PATH_DOWN, peer.name, "path " + i));
        }
      }
    }
    return died;
  }

  /** The earliest moment at which {@link #onTick} would report or decide something. */
  long nextDeadline() {
    return nextDeadline(true);
  }

  /**
   * The earliest moment at which {@link #onTick} would report or decide something; without {@code
   * warnings}, leaving out a live peer's late warning, which decides nothing.
   */
  long nextDeadline(boolean warnings) {
    long next = Long.MAX_VALUE;
    for (var peer : order) {
      long deadNanos = deadNanos(peer);
      long base = peer.heard ? peer.lastHeardNanos : startOr(peer);
      if (peer.alive || (!peer.heard && !peer.lateReported)) {
        next = Math.min(next, base + deadNanos + 1);
      }
      if (warnings && peer.alive && !peer.lateReported) {
        next = Math.min(next, base + warnNanos(peer) + 1);
      }
      for (int i = 0; i < peer.paths; i++) {
        if (peer.pathStates[i] == PathState.UP) {
          next = Math.min(next, peer.pathHeardNanos[i] + deadNanos + 1);
        } else if (peer.pathStates[i] == PathState.UNKNOWN && peer.alive) {
          next = Math.min(next, startNanos + initDeadNanos + 1);
        }
      }
    }
    return next;
  }

  private long startOr(Peer peer) {
    return Math.max(startNanos, peer.lastHeardNanos);
  }

  /**
   * Late after our warnTime, but never before two of the peer's own advertised intervals: a quiet
   * peer (see {@link ProtocolMachine#QUIET_INTERVAL_MAX}) is not late between its heartbeats.
   */
  private long warnNanos(Peer peer) {
    return peer.latest == null
        ? warnNanos
        : Math.max(warnNanos, 2_000_000L * Integer.toUnsignedLong(peer.latest.keepaliveMillis()));
  }

  /** The peer's own advertised deadTime once heard; initDead before (heartbeat-3.md §5). */
  private long deadNanos(Peer peer) {
    return peer.latest == null ? initDeadNanos : peer.latest.deadTimeNanos();
  }
}
