package dev.relais.agent.runtime;

import dev.relais.agent.dataplane.Announcement;
import dev.relais.agent.dataplane.Dataplane;
import dev.relais.agent.dataplane.DataplaneEvent;
import dev.relais.agent.dataplane.DataplaneResult;
import dev.relais.agent.dataplane.Lifetime;
import dev.relais.agent.dataplane.LinkState;
import dev.relais.agent.dataplane.VirtualIp;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.protocol.DecodeResult;
import dev.relais.agent.protocol.Effect;
import dev.relais.agent.protocol.GroupRole;
import dev.relais.agent.protocol.Heartbeat;
import dev.relais.agent.protocol.HeartbeatCodec;
import dev.relais.agent.protocol.NodeStatus;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.ProtocolMachine;
import dev.relais.agent.protocol.StateSnapshot;
import dev.relais.model.ClusterModel;
import dev.relais.model.VipGroup;
import dev.relais.render.AgentConfigs;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one cluster's {@link ProtocolMachine} on the event loop: datagrams and timers in, effects
 * out to the transport (on the loop, non-blocking) and the data plane (its own thread; results come
 * back through the loop). A config change is applied to the running machine, so boot epoch and
 * sequence numbers carry on across any change, sockets included. Every method except the
 * constructor runs on {@code loop} unless it says otherwise.
 */
final class ClusterRuntime {
  static final Logger DEFAULT_LOG = LoggerFactory.getLogger(ClusterRuntime.class);

  /** What a runtime needs from the agent around it. */
  record Context(
      EventLoop loop,
      LongSupplier nanoClock,
      Supplier<java.time.Instant> wallClock,
      Dataplane dataplane,
      AgentMetrics metrics,
      HeartbeatPaths.Opener opener,
      long bootEpoch,
      Supplier<Set<VirtualIp>> heldByOthers,
      Runnable reportChanged,
      Logger log) {}

  private final Context ctx;
  private final EventLoop loop;
  private final LongSupplier nanoClock;
  private final Dataplane dataplane;
  private final AgentMetrics metrics;
  private final Logger log;
  private final String clusterId;
  private final String self;
  private final PeerMetrics peerMetrics;
  private final ProtocolMachine machine;
  private final HeartbeatCodec codec;
  private final HeldGroups held;
  private final HealthWatch health;
  private final OwnerWatch owners;
  private final Withholding withholding;
  private final Reporting reporting;
  private final LoopDelay loopDelay;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private PathSender paths;
  private ClusterModel model;
  private ProtocolConfig protocolConfig;
  private final Map<String, Long> acquiredAtNanos = new HashMap<>();
  private final Map<String, String> lastReason = new HashMap<>();
  private final Map<String, String> takeoverFrom = new HashMap<>();
  private ScheduledFuture<?> tick;
  private long tickAtNanos = Long.MAX_VALUE;
  // Deferred reads (ProtocolMachine#deferReadsUntil): whether peers' datagrams wait in the
  // kernel's queues, whether they are being read now, and the heartbeats read, newest per sender,
  // path and wire version, each with the time it came.
  private boolean deferring;
  private boolean draining;
  private final List<Arrival> arrivals = new ArrayList<>();
  // Their effects, performed with the next input's (Effect#latestSends).
  private final List<Effect> caughtUp = new ArrayList<>();
  // The time of the machine's latest input: a heartbeat read late is never fed in before it.
  private long machineNanos;
  // How long peers wait past a missed heartbeat of ours: advertised deadTime less keepalive.
  private long slackNanos;
  private volatile Throwable failure;
  private volatile StateSnapshot snapshot;

  /** Binds the cluster's sockets (on the caller's thread: binding blocks). */
  ClusterRuntime(Context ctx, AgentConfigs.Loaded loaded, String self) throws IOException {
    this.ctx = ctx;
    this.loop = ctx.loop();
    this.nanoClock = ctx.nanoClock();
    this.dataplane = ctx.dataplane();
    this.metrics = ctx.metrics();
    this.log = ctx.log();
    this.clusterId = loaded.model().clusterId();
    this.self = self;
    this.peerMetrics = new PeerMetrics(metrics, clusterId, self);
    this.loopDelay = new LoopDelay(metrics.eventLoopDelay(clusterId));
    this.model = loaded.model();
    this.slackNanos = model.timing().deadTime().minus(model.timing().keepalive()).toNanos();
    this.protocolConfig = ProtocolConfigs.of(loaded, self);
    peerMetrics.configure(protocolConfig);
    this.machine = new ProtocolMachine(protocolConfig, ctx.bootEpoch());
    this.codec = new HeartbeatCodec(protocolConfig);
    this.held = new HeldGroups(loop, nanoClock, dataplane, metrics, log, clusterId, self);
    this.health =
        new HealthWatch(
            loop, dataplane, log, clusterId, self, h -> dispatch(machine.onHealth(h, input())));
    this.reporting = new Reporting(ctx.wallClock(), nanoClock, ctx.reportChanged());
    this.owners =
        new OwnerWatch(
            loop, dataplane, metrics, log, clusterId, self, ctx.wallClock(), this::publishReport);
    this.withholding =
        new Withholding(loop, () -> guarded(() -> dispatch(machine.sendNow(input()))));
    this.paths = openPaths(model);
  }

  String clusterId() {
    return clusterId;
  }

  Optional<StateSnapshot> snapshot() {
    return Optional.ofNullable(snapshot);
  }

  /** The latest report; any thread. */
  Optional<ClusterReport> report() {
    return reporting.latest();
  }

  /** Why this runtime stopped working, if it did; any thread. */
  Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** Addresses this runtime holds (for the other runtimes' stale-VIP cleanup). */
  Set<VirtualIp> heldAddresses() {
    return held.addresses();
  }

  /**
   * Safe to restart a peer now: this node has settled its view (left INIT, not leaving) and every
   * group has a live owner, this node or a peer it hears. Any thread.
   */
  boolean ready() {
    StateSnapshot s = snapshot;
    return failure == null
        && s != null
        && s.status() != NodeStatus.INIT
        && s.status() != NodeStatus.LEAVING
        && s.groups().stream().allMatch(g -> !g.owner().isEmpty());
  }

  /**
   * Clears VIPs left over from a crash (not those another cluster of this agent holds), then starts
   * the machine, with the startup grace (see {@link ProtocolConfigs#withStartupGrace}) unless told
   * otherwise. Any thread.
   */
  CompletableFuture<Void> start(boolean startupGrace) {
    CompletableFuture<Void> started = new CompletableFuture<>();
    loop.execute(
        () -> {
          Set<VirtualIp> others = ctx.heldByOthers().get();
          List<VirtualIp> stale =
              model.vipGroups().stream()
                  .flatMap(g -> ModelVips.vips(g).stream())
                  .filter(v -> !others.contains(v))
                  .toList();
          dataplane
              .removeStale(stale)
              .whenComplete((r, e) -> loop.execute(() -> guarded(() -> begin(r, startupGrace))))
              .whenComplete((v, e) -> started.complete(null));
        });
    return started;
  }

  private void begin(DataplaneResult<List<VirtualIp>> r, boolean startupGrace) {
    if (r instanceof DataplaneResult.Ok<List<VirtualIp>>(List<VirtualIp> removed)
        && !removed.isEmpty()) {
      log.warn(
          "cluster={} node={} removed stale VIPs left from an earlier run: {}",
          clusterId,
          self,
          removed);
    } else if (r instanceof DataplaneResult.Failed<List<VirtualIp>>(var error)) {
      log.error("cluster={} node={} cannot clear stale VIPs: {}", clusterId, self, error.message());
    }
    health.configure(model.health(), model.timing().keepalive());
    owners.start(probedGroups());
    ProtocolConfig graced = ProtocolConfigs.withStartupGrace(protocolConfig);
    if (startupGrace && graced != protocolConfig) {
      codec.reconfigure(graced);
      dispatch(machine.onConfig(graced, now()));
      loop.schedule(
          () -> guarded(this::endStartupGrace),
          ProtocolConfigs.STARTUP_GRACE.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    dispatch(machine.start(now()));
  }

  /** A datagram from the transport (already on the loop), read as it came. */
  void onDatagram(byte[] data, int length) {
    onDatagram(data, length, 0);
  }

  /** A datagram from the transport (already on the loop) that waited {@code queuedAgo} ns. */
  void onDatagram(byte[] data, int length, long queuedAgoNanos) {
    try {
      // instanceof, not a pattern switch: on C1-compiled code a type switch goes through an
      // un-inlined method-handle chain per call, measurable at hundreds of heartbeats a second.
      DecodeResult result = codec.decode(data, 0, length);
      if (result instanceof DecodeResult.Accepted accepted) {
        Heartbeat hb = accepted.heartbeat();
        if (draining) {
          arrived(hb, now() - queuedAgoNanos);
          return;
        }
        long now = input(); // on a socket read as datagrams come: what waited elsewhere first
        peerMetrics.received(hb, now);
        reporting.heard(hb.sender(), now);
        dispatch(machine.onHeartbeat(hb, hb.path(), now));
      } else if (result instanceof DecodeResult.Rejected(var reason)) {
        metrics.heartbeatRejected(reason.name());
        log.debug("cluster={} dropped a datagram: {}", clusterId, reason);
      }
    } catch (RuntimeException e) {
      died(e);
    }
  }

  private record Arrival(Heartbeat heartbeat, long atNanos) {}

  /**
   * Keeps a heartbeat read late unless a newer one of the same sender, path and version was read in
   * the same drain: the newest says all the older ones said (heartbeats repeat the sender's whole
   * state), so the machine sees the older ones as if lost, which the protocol bears. Each was
   * verified and entered in the replay window all the same.
   */
  private void arrived(Heartbeat hb, long atNanos) {
    for (int i = 0; i < arrivals.size(); i++) {
      Heartbeat other = arrivals.get(i).heartbeat();
      if (other.sender().equals(hb.sender())
          && other.path() == hb.path()
          && other.wireVersion() == hb.wireVersion()) {
        if (other.bootEpoch() < hb.bootEpoch()
            || (other.bootEpoch() == hb.bootEpoch() && other.sequence() < hb.sequence())) {
          arrivals.set(i, new Arrival(hb, atNanos));
        }
        return;
      }
    }
    arrivals.add(new Arrival(hb, atNanos));
  }

  /**
   * Reads what waited on deferred sockets and feeds it to the machine in the order it came, each
   * heartbeat at the time it came. Their effects wait for the caller's input's, in {@link
   * #dispatch}.
   */
  private void catchUp() {
    if (!deferring) return;
    draining = true;
    try {
      paths.drain();
    } finally {
      draining = false;
    }
    if (arrivals.isEmpty()) return;
    if (arrivals.size() > 1) arrivals.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
    for (int i = 0; i < arrivals.size(); i++) {
      Heartbeat hb = arrivals.get(i).heartbeat();
      long at = Math.max(arrivals.get(i).atNanos(), machineNanos);
      machineNanos = at;
      peerMetrics.received(hb, at);
      reporting.heard(hb.sender(), at);
      caughtUp.addAll(machine.onHeartbeat(hb, hb.path(), at));
    }
    arrivals.clear();
  }

  /** The time for the machine's next input, after what waited on deferred sockets. */
  private long input() {
    catchUp();
    machineNanos = now();
    return machineNanos;
  }

  void onDataplaneEvent(DataplaneEvent event) {
    guarded(
        () -> {
          switch (event) {
            case DataplaneEvent.LinkChanged(String device, LinkState state) ->
                health.onLinkChanged(device, state);
            case DataplaneEvent.VipRemoved(VirtualIp vip) ->
                held.groupOf(vip)
                    .ifPresent(
                        g -> {
                          log.warn(
                              "cluster={} node={} VIP {} was removed behind our back; adding it"
                                  + " again",
                              clusterId,
                              self,
                              vip);
                          held.install(g, List.of(vip), lifetime());
                          held.announce(g, announcement());
                        });
          }
        });
  }

  /** From now on this node advertises its configured deadTime (see {@link ProtocolConfigs}). */
  private void endStartupGrace() {
    long now = input();
    codec.reconfigure(protocolConfig);
    dispatch(machine.onConfig(protocolConfig, now));
  }

  /**
   * A new config of the same cluster, applied to the running machine. Removed groups are released
   * whole (what was installed, not what the new config says); held groups get new addresses before
   * dropped ones go; {@code newPaths}, when the sockets changed, takes over sending at once while
   * the old paths keep receiving for a deadTime, so peers that still send to old addresses are
   * heard until their own config catches up.
   */
  void reconfigure(AgentConfigs.Loaded loaded, PathSender newPaths) {
    guarded(
        () -> {
          long now = input();
          ProtocolConfig next = ProtocolConfigs.of(loaded, self);
          Duration oldDeadTime = model.timing().deadTime();
          model = loaded.model();
          protocolConfig = next;
          peerMetrics.configure(next);
          if (newPaths != null) {
            PathSender old = paths;
            old.deferReads(false); // nobody drains it from now on
            paths = newPaths;
            long keepMillis =
                Math.max(oldDeadTime.toMillis(), model.timing().deadTime().toMillis());
            loop.schedule(old::close, keepMillis, TimeUnit.MILLISECONDS);
          }
          codec.reconfigure(next);
          dispatch(machine.onConfig(next, now));
          for (String group : held.groups()) {
            group(group)
                .ifPresent(g -> held.update(group, ModelVips.vips(g), lifetime(), announcement()));
          }
          health.configure(model.health(), model.timing().keepalive());
          owners.start(probedGroups());
          publishReport();
        });
  }

  /** Opens the paths a model needs (sockets shared with other users of the same binding). */
  PathSender openPaths(ClusterModel m) throws IOException {
    return ctx.opener()
        .open(m, self, (data, length, sender, queuedAgo) -> onDatagram(data, length, queuedAgo));
  }

  /** Planned shutdown: hand every group over (make-before-break), then stop. Any thread. */
  CompletableFuture<Void> shutdown() {
    loop.execute(() -> guarded(() -> dispatch(machine.requestShutdown(input()))));
    return stopped;
  }

  /** Stops sockets and timers; VIPs still held stay until their lifetime runs out. Any thread. */
  void halt() {
    if (!loop.inEventLoop()) {
      loop.execute(this::halt);
      return;
    }
    paths.close();
    if (tick != null) tick.cancel(false);
    health.stop();
    owners.stop();
    held.stop();
  }

  private void onTick() {
    long now = now();
    LoopDelay.Late late = loopDelay.onTimer(now - tickAtNanos, now, slackNanos);
    if (late != null) log.warn("cluster={} node={} {}", clusterId, self, late.describe());
    tick = null;
    tickAtNanos = Long.MAX_VALUE;
    dispatch(machine.onTick(input()));
  }

  private void dispatch(List<Effect> effects) {
    if (caughtUp.isEmpty()) {
      perform(effects);
    } else {
      caughtUp.addAll(effects);
      List<Effect> all = Effect.latestSends(caughtUp);
      caughtUp.clear();
      perform(all);
    }
    schedule();
  }

  private void perform(List<Effect> effects) {
    for (int i = 0; i < effects.size(); i++) {
      Effect effect = effects.get(i);
      if (effect instanceof Effect.SendHeartbeat send) { // the hot one: see onDatagram
        send(withholding.filter(send.heartbeat()));
        continue;
      }
      switch (effect) {
        case Effect.SendHeartbeat(var hb) -> send(withholding.filter(hb));
        case Effect.AcquireVip(String group, long epoch) -> acquire(group);
        case Effect.AnnounceVip(String group) -> announce(group);
        case Effect.ReleaseVip(String group) -> {
          acquiredAtNanos.remove(group);
          takeoverFrom.remove(group);
          held.release(group);
          metrics.vipHeld(clusterId, group, false);
        }
        case Effect.StateChange(var cluster, var node, var group, var from, var to, var reason) -> {
          log.info(
              "cluster={} node={} group={} from={} to={} reason={}",
              cluster,
              node,
              group.isEmpty() ? "-" : group,
              from,
              to,
              reason);
          metrics.transition(cluster, group, from, to, reason.toString());
          if (!group.isEmpty()) {
            metrics.groupState(cluster, group, GroupRole.valueOf(to).ordinal());
          }
          lastReason.put(group, reason.toString());
        }
        case Effect.Report(var reason, var subject, var detail) ->
            log.info("cluster={} node={} {} {}: {}", clusterId, self, reason, subject, detail);
        case Effect.PublishState(StateSnapshot s) -> {
          StateSnapshot before = snapshot;
          snapshot = s;
          for (StateSnapshot.GroupView g : s.groups()) {
            metrics.failbackDamped(clusterId, g.group(), g.damping().isPresent());
          }
          reporting.snapshot(before, s, now());
          publishReport();
        }
        case Effect.ShutdownComplete() -> {
          halt();
          stopped.complete(null);
        }
      }
    }
  }

  /**
   * Becoming owner: add the VIPs. The machine's AnnounceVip follows; until both are done this
   * group's claim is withheld from our heartbeats (see {@link Withholding}).
   */
  private void acquire(String group) {
    Optional<VipGroup> spec = group(group);
    if (spec.isEmpty()) return;
    acquiredAtNanos.put(group, now());
    takeoverFrom.put(group, reporting.ownerOf(snapshot, group));
    withholding.until(
        group,
        held.install(group, ModelVips.vips(spec.get()), lifetime()),
        protocolConfig.handoffBound());
    metrics.vipHeld(clusterId, group, true);
  }

  private void announce(String group) {
    CompletableFuture<Boolean> announced = held.announce(group, announcement());
    withholding.until(group, List.of(announced), protocolConfig.handoffBound());
    announced.thenAccept(ok -> loop.execute(() -> guarded(() -> announced(group, ok))));
  }

  /** The first announcement after a takeover: the takeover is timed, then a second owner sought. */
  private void announced(String group, boolean ok) {
    Long since = acquiredAtNanos.remove(group);
    String from = takeoverFrom.remove(group);
    if (!ok || since == null || !held.holds(group)) return;
    long done = now();
    String reason = lastReason.getOrDefault(group, "unknown");
    log.info(
        "cluster={} node={} group={} VIP announced {} ms after the takeover decision",
        clusterId,
        self,
        group,
        (done - since) / 1_000_000);
    metrics.failover(clusterId, group, reason, Duration.ofNanos(done - since));
    reporting.tookOver(group, from == null ? "" : from, reason, since, done);
    owners.becameOwner(group, held.addresses(group));
    publishReport();
  }

  private void send(Heartbeat hb) {
    slackNanos = (hb.deadTimeMillis() - hb.keepaliveMillis()) * 1_000_000L;
    byte[] bytes = codec.encode(hb);
    paths.send(hb.path(), bytes, bytes.length);
    long now = now();
    peerMetrics.sent(hb, now);
    if (hb.path() == 0) held.renewDue(now, hb.keepaliveMillis() * 1_000_000L);
  }

  /**
   * Keeps the one timer at the machine's next deadline, later as well as earlier: on a backup each
   * heartbeat of the owner moves its deadline later, and a timer left at the old one woke the loop
   * for nothing (cancelling and re-adding a scheduled task costs far less than a wakeup). While the
   * machine lets reads wait, the timer is at the moment they must be read instead, and the sockets
   * are left unread till then.
   */
  private void schedule() {
    long until = machine.deferReadsUntil(now());
    boolean defer = until != Long.MIN_VALUE;
    if (defer != deferring) {
      deferring = defer;
      paths.deferReads(defer);
    }
    long next = defer ? until : machine.nextDeadlineNanos();
    if (tick != null && next == tickAtNanos) {
      return;
    }
    if (tick != null) {
      tick.cancel(false);
      tick = null;
      tickAtNanos = Long.MAX_VALUE;
    }
    if (next == Long.MAX_VALUE) {
      return;
    }
    tickAtNanos = next;
    long delay = Math.max(0, next - now());
    tick = loop.schedule(() -> guarded(this::onTick), delay, TimeUnit.NANOSECONDS);
  }

  private void publishReport() {
    StateSnapshot s = snapshot;
    if (s != null) reporting.publish(s, owners.finding());
  }

  private OwnerWatch.Groups probedGroups() {
    return new OwnerWatch.Groups() {
      @Override
      public Map<String, List<VirtualIp>> probed() {
        return ModelVips.probed(model, snapshot, held);
      }

      @Override
      public boolean holds(String group) {
        return held.holds(group);
      }
    };
  }

  private Announcement announcement() {
    return ModelVips.announcement(model);
  }

  private Lifetime lifetime() {
    return ModelVips.lifetime(model);
  }

  private Optional<VipGroup> group(String name) {
    return ModelVips.group(model, name);
  }

  private long now() {
    return nanoClock.getAsLong();
  }

  /**
   * Runs loop work; an exception means this runtime's state is unknown: it stops, liveness fails.
   */
  private void guarded(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      died(e);
    }
  }

  private void died(RuntimeException e) {
    if (failure == null) {
      failure = e;
      log.error(
          "cluster={} node={} runtime failed; liveness now fails so the agent is restarted",
          clusterId,
          self,
          e);
    }
  }
}
