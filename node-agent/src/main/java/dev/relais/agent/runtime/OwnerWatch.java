package dev.relais.agent.runtime;

import dev.relais.agent.dataplane.Dataplane;
import dev.relais.agent.dataplane.DataplaneResult;
import dev.relais.agent.dataplane.OwnerProbe;
import dev.relais.agent.dataplane.VirtualIp;
import dev.relais.agent.observe.AgentMetrics;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The duplicate-owner probe, run where the protocol's safety argument needs it: on becoming owner
 * (after the first announcement), then at a low rate while holding; and on a node that does not
 * hold a group, which sees a split brain on the LAN as two MACs answering for one VIP. A finding is
 * logged, counted and reported (the operator turns it into {@code SplitBrain}); it changes no role:
 * the fencing epochs decide ownership, the probe only makes a split brain visible. Loop only.
 */
final class OwnerWatch {
  static final Duration WINDOW = Duration.ofSeconds(1);
  static final Duration EVERY = Duration.ofSeconds(60);

  /** Which groups to probe now and whether this node holds each. */
  interface Groups {
    /** Group name → its VIPs, for groups this node holds or a live peer owns. */
    Map<String, List<VirtualIp>> probed();

    boolean holds(String group);
  }

  private final EventLoop loop;
  private final Dataplane dataplane;
  private final AgentMetrics metrics;
  private final Logger log;
  private final String cluster;
  private final String self;
  private final Supplier<Instant> wallClock;
  private final Runnable changed;
  private final Map<VirtualIp, ClusterReport.DuplicateOwner> findings = new HashMap<>();
  private Groups groups;
  private ScheduledFuture<?> timer;

  OwnerWatch(
      EventLoop loop,
      Dataplane dataplane,
      AgentMetrics metrics,
      Logger log,
      String cluster,
      String self,
      Supplier<Instant> wallClock,
      Runnable changed) {
    this.loop = loop;
    this.dataplane = dataplane;
    this.metrics = metrics;
    this.log = log;
    this.cluster = cluster;
    this.self = self;
    this.wallClock = wallClock;
    this.changed = changed;
  }

  void start(Groups groups) {
    this.groups = groups;
    if (timer == null) {
      timer =
          loop.scheduleAtFixedRate(
              this::probeAll, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  void stop() {
    if (timer != null) timer.cancel(false);
    timer = null;
  }

  /** This node just announced the group's VIPs as their new owner. */
  void becameOwner(String group, List<VirtualIp> vips) {
    vips.forEach(v -> probe(group, v));
  }

  /** The latest finding still standing, if any (the first found). */
  Optional<ClusterReport.DuplicateOwner> finding() {
    return findings.values().stream().min((a, b) -> a.since().compareTo(b.since()));
  }

  /** Forget findings about addresses no longer probed (group released or removed). */
  private void retain(java.util.Set<VirtualIp> probed) {
    if (findings.keySet().retainAll(probed)) changed.run();
  }

  private void probeAll() {
    if (groups == null) return;
    Map<String, List<VirtualIp>> probed = groups.probed();
    java.util.Set<VirtualIp> all = new java.util.HashSet<>();
    probed.values().forEach(all::addAll);
    retain(all);
    probed.forEach((group, vips) -> vips.forEach(v -> probe(group, v)));
  }

  private void probe(String group, VirtualIp vip) {
    dataplane.probeOwners(vip, WINDOW).thenAccept(r -> loop.execute(() -> result(group, vip, r)));
  }

  private void result(String group, VirtualIp vip, DataplaneResult<OwnerProbe> r) {
    if (!(r instanceof DataplaneResult.Ok<OwnerProbe>(OwnerProbe probe))) {
      if (r instanceof DataplaneResult.Failed<OwnerProbe>(var error)) {
        log.debug(
            "cluster={} node={} owner probe of {} failed: {}", cluster, self, vip, error.message());
      }
      return;
    }
    // An owner expects no other MAC; a non-owner expects exactly one (the owner's).
    boolean holds = groups != null && groups.holds(group);
    boolean duplicated = holds ? probe.duplicated() : probe.otherMacs().size() >= 2;
    ClusterReport.DuplicateOwner before = findings.get(vip);
    if (!duplicated) {
      if (before != null) {
        findings.remove(vip);
        log.info(
            "cluster={} node={} group={} VIP {} has one owner again", cluster, self, group, vip);
        changed.run();
      }
      return;
    }
    var macs = new TreeSet<>(probe.otherMacs());
    if (holds) macs.add(probe.ownMac());
    metrics.duplicateOwner(cluster, group);
    if (before != null && before.macs().equals(List.copyOf(macs))) return;
    log.warn(
        "cluster={} node={} group={} VIP {} is answered by {} link-layer addresses {}: two"
            + " routers hold it (split brain on the LAN)",
        cluster,
        self,
        group,
        vip,
        macs.size(),
        macs);
    findings.put(
        vip,
        new ClusterReport.DuplicateOwner(
            group,
            vip.address().getHostAddress(),
            List.copyOf(macs),
            before != null ? before.since() : wallClock.get()));
    changed.run();
  }
}
