package dev.relais.agent.runtime;

import dev.relais.agent.dataplane.Announcement;
import dev.relais.agent.dataplane.Dataplane;
import dev.relais.agent.dataplane.DataplaneEvent;
import dev.relais.agent.dataplane.DataplaneResult;
import dev.relais.agent.dataplane.Lifetime;
import dev.relais.agent.dataplane.LinkState;
import dev.relais.agent.dataplane.PingGroup;
import dev.relais.agent.dataplane.Reachability;
import dev.relais.agent.dataplane.VirtualIp;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.protocol.DecodeResult;
import dev.relais.agent.protocol.Effect;
import dev.relais.agent.protocol.GroupRole;
import dev.relais.agent.protocol.Health;
import dev.relais.agent.protocol.Heartbeat;
import dev.relais.agent.protocol.HeartbeatCodec;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.ProtocolMachine;
import dev.relais.agent.protocol.StateSnapshot;
import dev.relais.model.ClusterModel;
import dev.relais.model.VipGroup;
import dev.relais.render.AgentConfigs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one cluster's {@link ProtocolMachine} on the event loop: datagrams and timers in, effects
 * out to the transport (on the loop, non-blocking) and the data plane (its own thread; results come
 * back through the loop). Every method except the constructor runs on {@code loop}.
 */
final class ClusterRuntime {
  static final Logger DEFAULT_LOG = LoggerFactory.getLogger(ClusterRuntime.class);

  private final EventLoop loop;
  private final LongSupplier nanoClock;
  private final Dataplane dataplane;
  private final AgentMetrics metrics;
  private final Logger log;
  private final String clusterId;
  private final Counter heartbeatsSent;
  private final Map<String, Counter> heartbeatsReceived = new HashMap<>();
  private final PathSender paths;
  private final PeerStats peerStats = new PeerStats();
  private final Map<String, Integer> pathsOf = new HashMap<>();
  private final Map<String, Timer> roundTrips = new HashMap<>();
  private final String self;
  private ClusterModel model;
  private ProtocolConfig protocolConfig;
  private final ProtocolMachine machine;
  private final HeartbeatCodec codec;
  private final Map<String, ScheduledFuture<?>> renewals = new HashMap<>();
  private final Map<String, Long> acquiredAtNanos = new HashMap<>();
  private final Map<String, String> lastReason = new HashMap<>();
  private final Map<String, LinkState> links = new HashMap<>();
  private final Map<String, Boolean> pingReach = new HashMap<>();
  private final Set<String> pinging = new HashSet<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile StateSnapshot snapshot;
  private ScheduledFuture<?> tick;
  private ScheduledFuture<?> pinger;
  private long tickAtNanos = Long.MAX_VALUE;
  private final LoopDelay loopDelay;
  // How long peers wait past a missed heartbeat of ours: advertised deadTime less keepalive.
  private long slackNanos;
  private Health health = Health.healthy();
  private final Map<String, Integer> withheld = new HashMap<>();
  private int withholdGeneration;

  /** Logger passed in: the warm-up runs real runtimes that must not log. */
  ClusterRuntime(
      EventLoop loop,
      LongSupplier nanoClock,
      Dataplane dataplane,
      AgentMetrics metrics,
      HeartbeatPaths.Opener paths,
      AgentConfigs.Loaded loaded,
      String self,
      long bootEpoch,
      Logger log)
      throws IOException {
    this.log = log;
    this.clusterId = loaded.model().clusterId();
    this.heartbeatsSent = metrics.heartbeatsSent(clusterId);
    this.loopDelay = new LoopDelay(metrics.eventLoopDelay(clusterId));
    this.slackNanos =
        loaded.model().timing().deadTime().minus(loaded.model().timing().keepalive()).toNanos();
    this.loop = loop;
    this.nanoClock = nanoClock;
    this.dataplane = dataplane;
    this.metrics = metrics;
    this.self = self;
    this.model = loaded.model();
    this.protocolConfig = ProtocolConfigs.of(loaded, self);
    notePaths(protocolConfig);
    this.machine = new ProtocolMachine(protocolConfig, bootEpoch);
    this.codec = new HeartbeatCodec(protocolConfig);
    this.paths =
        paths.open(loaded.model(), self, (data, length, sender) -> onDatagram(data, length));
  }

  String clusterId() {
    return clusterId;
  }

  ClusterModel model() {
    return model;
  }

  Optional<StateSnapshot> snapshot() {
    return Optional.ofNullable(snapshot);
  }

  /**
   * Clears VIPs left over from a crash, then starts the machine, with the startup grace (see {@link
   * ProtocolConfigs#withStartupGrace}) unless told otherwise.
   */
  CompletableFuture<Void> start(boolean startupGrace) {
    ProtocolConfig graced = ProtocolConfigs.withStartupGrace(protocolConfig);
    boolean relaxed = startupGrace && graced != protocolConfig;
    List<VirtualIp> all = model.vipGroups().stream().flatMap(g -> vips(g).stream()).toList();
    CompletableFuture<Void> started = new CompletableFuture<>();
    dataplane
        .removeStale(all)
        .thenAccept(
            r -> {
              if (r instanceof DataplaneResult.Ok<List<VirtualIp>>(List<VirtualIp> removed)
                  && !removed.isEmpty()) {
                log.warn(
                    "cluster={} node={} removed stale VIPs left from an earlier run: {}",
                    clusterId(),
                    self,
                    removed);
              } else if (r instanceof DataplaneResult.Failed<List<VirtualIp>>(var error)) {
                log.error(
                    "cluster={} node={} cannot clear stale VIPs: {}",
                    clusterId(),
                    self,
                    error.message());
              }
            })
        .whenComplete(
            (ignored, failure) ->
                loop.execute(
                    () -> {
                      trackHealth();
                      if (relaxed) {
                        codec.reconfigure(graced);
                        dispatch(machine.onConfig(graced, nanoClock.getAsLong()));
                        loop.schedule(
                            this::endStartupGrace,
                            ProtocolConfigs.STARTUP_GRACE.toMillis(),
                            TimeUnit.MILLISECONDS);
                      }
                      dispatch(machine.start(nanoClock.getAsLong()));
                      started.complete(null);
                    }));
    return started;
  }

  /** A datagram from the transport (already on the loop). */
  void onDatagram(byte[] data, int length) {
    // instanceof, not a pattern switch: on C1-compiled code a type switch goes through an
    // un-inlined method-handle chain per call, measurable at hundreds of heartbeats a second.
    DecodeResult result = codec.decode(data, 0, length);
    if (result instanceof DecodeResult.Accepted accepted) {
      Heartbeat hb = accepted.heartbeat();
      Counter received = heartbeatsReceived.get(hb.sender());
      if (received == null) {
        received = metrics.heartbeatsReceived(clusterId, hb.sender());
        heartbeatsReceived.put(hb.sender(), received);
        metrics.heartbeatsMissed(clusterId, hb.sender()); // the series exists from the start, at 0
      }
      received.increment();
      long now = nanoClock.getAsLong();
      observe(hb, now);
      dispatch(machine.onHeartbeat(hb, hb.path(), now));
    } else if (result instanceof DecodeResult.Rejected(var reason)) {
      metrics.heartbeatRejected(reason.name());
      log.debug("cluster={} dropped a datagram: {}", clusterId(), reason);
    }
  }

  /** Feeds the per-peer metrics: round trips from echoes of our heartbeats, missed ones. */
  private void observe(Heartbeat hb, long nowNanos) {
    var echoes = hb.echoes();
    for (int i = 0; i < echoes.size(); i++) {
      if (echoes.get(i).peer().equals(self)) {
        long rtt = peerStats.roundTripNanos(echoes.get(i), nowNanos);
        if (rtt >= 0) {
          Timer timer = roundTrips.get(hb.sender());
          if (timer == null) {
            timer = metrics.peerRoundTrip(clusterId, hb.sender());
            roundTrips.put(hb.sender(), timer);
          }
          timer.record(rtt, TimeUnit.NANOSECONDS);
        }
      }
    }
    long missed = peerStats.missedBefore(hb, pathsOf.getOrDefault(hb.sender(), 1));
    if (missed > 0) {
      metrics.heartbeatsMissed(clusterId, hb.sender()).increment(missed);
    }
  }

  void onDataplaneEvent(DataplaneEvent event) {
    switch (event) {
      case DataplaneEvent.LinkChanged(String device, LinkState state) -> {
        if (links.containsKey(device)) {
          links.put(device, state);
          log.info("cluster={} node={} link {} is {}", clusterId(), self, device, state);
          updateHealth();
        }
      }
      case DataplaneEvent.VipRemoved(VirtualIp vip) -> {
        for (VipGroup g : model.vipGroups()) {
          if (vips(g).contains(vip) && machine.holds(g.name())) {
            log.warn(
                "cluster={} node={} VIP {} was removed behind our back; adding it again",
                clusterId(),
                self,
                vip);
            install(g, true);
          }
        }
      }
    }
  }

  /** From now on this node advertises its configured deadTime (see {@link ProtocolConfigs}). */
  private void endStartupGrace() {
    codec.reconfigure(protocolConfig);
    dispatch(machine.onConfig(protocolConfig, nanoClock.getAsLong()));
  }

  /** A new generation of the same cluster; on the loop. */
  void reconfigure(AgentConfigs.Loaded loaded) {
    ProtocolConfig next = ProtocolConfigs.of(loaded, self);
    this.model = loaded.model();
    this.protocolConfig = next;
    notePaths(next);
    codec.reconfigure(next);
    dispatch(machine.onConfig(next, nanoClock.getAsLong()));
    trackHealth();
  }

  private void notePaths(ProtocolConfig config) {
    pathsOf.clear();
    config.nodes().forEach(n -> pathsOf.put(n.name(), n.paths()));
  }

  /** Planned shutdown: hand every group over (make-before-break), then stop. Any thread. */
  CompletableFuture<Void> shutdown() {
    loop.execute(() -> dispatch(machine.requestShutdown(nanoClock.getAsLong())));
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
    if (pinger != null) pinger.cancel(false);
    renewals.values().forEach(f -> f.cancel(false));
    renewals.clear();
  }

  private void onTick() {
    long now = nanoClock.getAsLong();
    LoopDelay.Late late = loopDelay.onTimer(now - tickAtNanos, now, slackNanos);
    if (late != null) warnLate(late);
    tick = null;
    tickAtNanos = Long.MAX_VALUE;
    dispatch(machine.onTick(now));
  }

  private void warnLate(LoopDelay.Late late) {
    log.warn(
        "cluster={} node={} event loop ran {} ms late, longer than peers wait past a missed"
            + " heartbeat ({} ms): something held the agent back (a busy CPU, the kernel, a"
            + " JVM pause, a stopped process) and peers may have declared this node dead{}",
        clusterId,
        self,
        late.lateNanos() / 1_000_000,
        late.slackNanos() / 1_000_000,
        late.suppressed() == 0
            ? ""
            : " ("
                + late.suppressed()
                + " more in the last 10 s, the worst "
                + late.worstSuppressedNanos() / 1_000_000
                + " ms)");
  }

  private void dispatch(List<Effect> effects) {
    for (int i = 0; i < effects.size(); i++) {
      Effect effect = effects.get(i);
      if (effect instanceof Effect.SendHeartbeat send) { // the hot one: see onDatagram
        send(withoutUnannounced(send.heartbeat()));
        continue;
      }
      switch (effect) {
        case Effect.SendHeartbeat(var hb) -> send(withoutUnannounced(hb));
        case Effect.AcquireVip(String group, long epoch) -> {
          acquiredAtNanos.put(group, nanoClock.getAsLong());
          group(group).ifPresent(g -> withholdUntil(group, install(g, false)));
          metrics.vipHeld(clusterId(), group, true);
        }
        case Effect.AnnounceVip(String group) ->
            group(group).ifPresent(g -> withholdUntil(group, announce(g)));
        case Effect.ReleaseVip(String group) -> {
          ScheduledFuture<?> renewal = renewals.remove(group);
          if (renewal != null) renewal.cancel(false);
          group(group).ifPresent(g -> vips(g).forEach(dataplane::remove));
          metrics.vipHeld(clusterId(), group, false);
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
            log.info("cluster={} node={} {} {}: {}", clusterId(), self, reason, subject, detail);
        case Effect.PublishState(StateSnapshot s) -> snapshot = s;
        case Effect.ShutdownComplete() -> {
          halt();
          stopped.complete(null);
        }
      }
    }
    schedule();
  }

  private void send(Heartbeat hb) {
    slackNanos = (hb.deadTimeMillis() - hb.keepaliveMillis()) * 1_000_000L;
    byte[] bytes = codec.encode(hb);
    paths.send(hb.path(), bytes, bytes.length);
    peerStats.sent(hb.sequence(), nanoClock.getAsLong());
    heartbeatsSent.increment();
  }

  /**
   * Make-before-break needs the VIP on the wire before the heartbeat that tells the old owner to
   * let go. While a group's address is being added and first announced, its entries (our claim, our
   * confirmation) are left out of the heartbeats we send; the rest of each heartbeat goes out on
   * time, so the node never looks dead. The entries return once the data plane is done, or at the
   * handoff bound at the latest.
   */
  private void withholdUntil(String group, List<CompletableFuture<?>> work) {
    if (work.isEmpty()) return;
    int generation = ++withholdGeneration;
    withheld.put(group, generation);
    Runnable release =
        () -> {
          if (withheld.getOrDefault(group, -1) == generation) withheld.remove(group);
        };
    ScheduledFuture<?> bound =
        loop.schedule(release, protocolConfig.handoffBound().toMillis(), TimeUnit.MILLISECONDS);
    CompletableFuture.allOf(work.toArray(CompletableFuture[]::new))
        .whenComplete(
            (v, e) ->
                loop.execute(
                    () -> {
                      bound.cancel(false);
                      release.run();
                    }));
  }

  private Heartbeat withoutUnannounced(Heartbeat hb) {
    if (withheld.isEmpty()) return hb;
    var entries = hb.entries().stream().filter(e -> !withheld.containsKey(e.group())).toList();
    if (entries.size() == hb.entries().size()) return hb;
    return new Heartbeat(
        hb.sender(),
        hb.bootEpoch(),
        hb.sequence(),
        hb.configGeneration(),
        hb.path(),
        hb.status(),
        hb.priority(),
        hb.pingReach(),
        hb.keepaliveMillis(),
        hb.deadTimeMillis(),
        entries,
        hb.echoes());
  }

  private void schedule() {
    long next = machine.nextDeadlineNanos();
    if (next == Long.MAX_VALUE || (tick != null && next >= tickAtNanos)) {
      return;
    }
    if (tick != null) tick.cancel(false);
    tickAtNanos = next;
    long delay = Math.max(0, next - nanoClock.getAsLong());
    tick = loop.schedule(this::onTick, delay, TimeUnit.NANOSECONDS);
  }

  /** Adds (or re-adds) the group's VIPs, then renews their lifetime while held. */
  private List<CompletableFuture<?>> install(VipGroup g, boolean announceAfter) {
    Lifetime lifetime = lifetime();
    List<CompletableFuture<?>> work = new ArrayList<>();
    for (VirtualIp vip : vips(g)) {
      work.add(
          dataplane
              .install(vip, lifetime)
              .thenAccept(
                  r -> {
                    if (r instanceof DataplaneResult.Failed<VirtualIp>(var error)) {
                      log.error(
                          "cluster={} node={} cannot add VIP {}: {}",
                          clusterId(),
                          self,
                          vip,
                          error.message());
                    }
                  }));
    }
    if (announceAfter) work.addAll(announce(g));
    if (lifetime instanceof Lifetime.Expiring expiring && !renewals.containsKey(g.name())) {
      long everyMillis = Math.max(250, expiring.valid().toMillis() / 3);
      renewals.put(
          g.name(),
          loop.scheduleAtFixedRate(
              () -> vips(g).forEach(v -> dataplane.install(v, lifetime)),
              everyMillis,
              everyMillis,
              TimeUnit.MILLISECONDS));
    }
    return work;
  }

  private List<CompletableFuture<?>> announce(VipGroup g) {
    List<CompletableFuture<?>> work = new ArrayList<>();
    Announcement announcement =
        new Announcement(
            model.announce().count(),
            model.announce().interval(),
            model.announce().refresh(),
            Announcement.ArpForms.REQUEST_AND_REPLY);
    for (VirtualIp vip : vips(g)) {
      work.add(
          dataplane
              .announce(vip, announcement)
              .thenAccept(
                  r ->
                      loop.execute(
                          () -> {
                            switch (r) {
                              case DataplaneResult.Ok<VirtualIp> ok -> {
                                metrics.announcementsSent(
                                    clusterId(), g.name(), announcement.count());
                                Long since = acquiredAtNanos.remove(g.name());
                                if (since != null) {
                                  log.info(
                                      "cluster={} node={} group={} VIP {} announced {} ms after the takeover decision",
                                      clusterId(),
                                      self,
                                      g.name(),
                                      vip,
                                      (nanoClock.getAsLong() - since) / 1_000_000);
                                  metrics.failover(
                                      clusterId(),
                                      g.name(),
                                      lastReason.getOrDefault(g.name(), "unknown"),
                                      Duration.ofNanos(nanoClock.getAsLong() - since));
                                }
                              }
                              case DataplaneResult.Failed<VirtualIp>(var error) ->
                                  log.error(
                                      "cluster={} node={} cannot announce {}: {}",
                                      clusterId(),
                                      self,
                                      vip,
                                      error.message());
                            }
                          })));
    }
    return work;
  }

  private Lifetime lifetime() {
    Duration lifetime = model.addressLifetime();
    return lifetime.isZero() ? Lifetime.permanent() : Lifetime.expiring(lifetime);
  }

  /** Tracked links and ping groups → the machine's Health input. */
  private void trackHealth() {
    var interfaces = Set.copyOf(model.health().interfaces());
    links.keySet().retainAll(interfaces);
    interfaces.forEach(i -> links.putIfAbsent(i, LinkState.UP));
    dataplane
        .track(interfaces)
        .thenAccept(
            r ->
                loop.execute(
                    () -> {
                      switch (r) {
                        case DataplaneResult.Ok<Map<String, LinkState>>(var states) ->
                            links.putAll(states);
                        case DataplaneResult.Failed<Map<String, LinkState>>(var error) ->
                            log.error(
                                "cluster={} node={} cannot track links: {}",
                                clusterId(),
                                self,
                                error.message());
                      }
                      updateHealth();
                    }));
    if (pinger != null) pinger.cancel(false);
    pingReach.clear();
    if (!model.health().pingGroups().isEmpty()) {
      pinger =
          loop.scheduleAtFixedRate(this::pingAll, 0, pingEvery().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Ping rounds: every keepalive but at most once a second (heartbeat's ping nodes use deadping).
   */
  private Duration pingEvery() {
    Duration keepalive = model.timing().keepalive();
    return keepalive.compareTo(Duration.ofSeconds(1)) > 0 ? keepalive : Duration.ofSeconds(1);
  }

  /**
   * One round per group; a group still waiting for its previous round is skipped, never stacked.
   */
  private void pingAll() {
    Duration timeout = pingEvery().dividedBy(2);
    for (var g : model.health().pingGroups()) {
      if (!pinging.add(g.name())) continue;
      dataplane
          .ping(new PingGroup(g.name(), g.targets()), timeout)
          .thenAccept(
              r ->
                  loop.execute(
                      () -> {
                        pinging.remove(g.name());
                        pingReach.put(
                            g.name(),
                            r instanceof DataplaneResult.Ok<?>(var reach)
                                && ((Reachability) reach).reachable());
                        updateHealth();
                      }));
    }
  }

  private void updateHealth() {
    boolean linksUp = links.values().stream().allMatch(s -> s == LinkState.UP);
    int groups = model.health().pingGroups().size();
    int reachable =
        groups == 0
            ? 0
            : (int)
                model.health().pingGroups().stream()
                    .filter(g -> pingReach.getOrDefault(g.name(), true))
                    .count();
    Health next = new Health(linksUp, groups, reachable);
    if (!next.equals(health)) {
      health = next;
      dispatch(machine.onHealth(next, nanoClock.getAsLong()));
    }
  }

  private Optional<VipGroup> group(String name) {
    return model.vipGroups().stream().filter(g -> g.name().equals(name)).findFirst();
  }

  static List<VirtualIp> vips(VipGroup g) {
    return g.vips().stream()
        .map(v -> new VirtualIp(v.address(), v.prefix(), v.iface(), v.label()))
        .toList();
  }
}
