package dev.relais.agent.runtime;

import dev.relais.agent.protocol.StateSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Turns the machine's snapshots and the runtime's observations into {@link ClusterReport}s: wall
 * clock times for peers' reachability, the last takeover and how long it took from the old owner's
 * last heartbeat to the first announcement. Written on the loop; {@link #latest} from any thread.
 */
final class Reporting {
  private final Supplier<Instant> wallClock;
  private final LongSupplier nanoClock;
  private final Runnable changed;
  private final Map<String, Long> lastHeardNanos = new HashMap<>();
  private final Map<String, Instant> peerSince = new HashMap<>();
  private ClusterReport.Takeover lastTakeover;
  private volatile ClusterReport latest;

  Reporting(Supplier<Instant> wallClock, LongSupplier nanoClock, Runnable changed) {
    this.wallClock = wallClock;
    this.nanoClock = nanoClock;
    this.changed = changed;
  }

  Optional<ClusterReport> latest() {
    return Optional.ofNullable(latest);
  }

  void heard(String peer, long nowNanos) {
    lastHeardNanos.put(peer, nowNanos);
  }

  /** Notes reachability changes between two snapshots. */
  void snapshot(StateSnapshot before, StateSnapshot now, long nowNanos) {
    Map<String, Boolean> was = new HashMap<>();
    if (before != null) before.peers().forEach(p -> was.put(p.name(), p.alive()));
    peerSince.keySet().retainAll(now.peers().stream().map(StateSnapshot.PeerView::name).toList());
    for (StateSnapshot.PeerView p : now.peers()) {
      Boolean previously = was.get(p.name());
      if (previously != null && previously == p.alive() && peerSince.containsKey(p.name())) {
        continue;
      }
      peerSince.put(p.name(), p.alive() ? wallClock.get() : lastHeard(p.name(), nowNanos));
    }
  }

  /** The owner a snapshot shows for a group, or "" if none. */
  String ownerOf(StateSnapshot s, String group) {
    if (s == null) return "";
    return s.groups().stream()
        .filter(g -> g.group().equals(group))
        .map(StateSnapshot.GroupView::owner)
        .findFirst()
        .orElse("");
  }

  void tookOver(String group, String from, String reason, long decidedNanos, long doneNanos) {
    Long heard = from.isEmpty() ? null : lastHeardNanos.get(from);
    Optional<Duration> took =
        heard == null || heard > decidedNanos
            ? Optional.empty()
            : Optional.of(Duration.ofNanos(doneNanos - heard));
    Instant decided = wallClock.get().minusNanos(nanoClock.getAsLong() - decidedNanos);
    lastTakeover = new ClusterReport.Takeover(decided, group, from, reason, took);
  }

  /** Publishes a new report if anything in it changed. */
  void publish(StateSnapshot s, Optional<ClusterReport.DuplicateOwner> duplicate) {
    ClusterReport next =
        new ClusterReport(s, peerSince, Optional.ofNullable(lastTakeover), duplicate, damping(s));
    if (next.equals(latest)) return;
    latest = next;
    changed.run();
  }

  /**
   * The damping hold that lasts longest, if any group has one (the report has one per cluster; the
   * per-group holds are in the snapshot and the {@code relais_failback_damped} gauge). Whole
   * seconds: two clocks read a moment apart must not make an unchanged hold look new.
   */
  private Optional<ClusterReport.Damping> damping(StateSnapshot s) {
    long now = nanoClock.getAsLong();
    Instant wall = wallClock.get();
    return s.groups().stream()
        .filter(g -> g.damping().isPresent())
        .max(Comparator.comparingLong(g -> g.damping().orElseThrow().untilNanos()))
        .map(
            g -> {
              StateSnapshot.DampingHold h = g.damping().orElseThrow();
              return new ClusterReport.Damping(
                  wall.plusNanos(h.untilNanos() - now).truncatedTo(ChronoUnit.SECONDS),
                  h.ownerChanges(),
                  h.held()
                      + " of group "
                      + g.group()
                      + " to "
                      + h.node()
                      + " held: "
                      + h.node()
                      + " lost it "
                      + h.ownerChanges()
                      + " times unplanned within the window");
            });
  }

  /** When a peer was last heard, on the wall clock (now if never: it became unknown now). */
  private Instant lastHeard(String peer, long nowNanos) {
    Long heard = lastHeardNanos.get(peer);
    Instant now = wallClock.get();
    return heard == null ? now : now.minusNanos(nowNanos - heard);
  }
}
