package dev.relais.agent.runtime;

import dev.relais.agent.dataplane.Dataplane;
import dev.relais.agent.dataplane.DataplaneResult;
import dev.relais.agent.dataplane.LinkState;
import dev.relais.agent.dataplane.PingGroup;
import dev.relais.agent.dataplane.Reachability;
import dev.relais.agent.protocol.Health;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Tracked links and ping groups of one cluster, folded into the machine's {@link Health} input.
 * Loop only.
 */
final class HealthWatch {
  private final EventLoop loop;
  private final Dataplane dataplane;
  private final Logger log;
  private final String cluster;
  private final String self;
  private final Consumer<Health> onChange;
  private final Map<String, LinkState> links = new HashMap<>();
  private final Map<String, Boolean> pingReach = new HashMap<>();
  private final Set<String> pinging = new HashSet<>();
  private dev.relais.model.Health spec = new dev.relais.model.Health(List.of(), List.of());
  private Duration pingEvery = Duration.ofSeconds(1);
  private ScheduledFuture<?> pinger;
  private Health health = Health.healthy();
  private int generation;

  HealthWatch(
      EventLoop loop,
      Dataplane dataplane,
      Logger log,
      String cluster,
      String self,
      Consumer<Health> onChange) {
    this.loop = loop;
    this.dataplane = dataplane;
    this.log = log;
    this.cluster = cluster;
    this.self = self;
    this.onChange = onChange;
  }

  /**
   * Starts (or changes) what is tracked. Ping rounds run every keepalive but at most once a second
   * (heartbeat's ping nodes use deadping); a changed spec restarts them, an unchanged one does not.
   */
  void configure(dev.relais.model.Health next, Duration keepalive) {
    Duration every =
        keepalive.compareTo(Duration.ofSeconds(1)) > 0 ? keepalive : Duration.ofSeconds(1);
    if (next.equals(spec) && every.equals(pingEvery) && generation > 0) return;
    boolean linksChanged = !next.interfaces().equals(spec.interfaces()) || generation == 0;
    spec = next;
    pingEvery = every;
    generation++;
    if (linksChanged) {
      var interfaces = Set.copyOf(next.interfaces());
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
                              states.forEach(
                                  (d, s) -> {
                                    if (links.containsKey(d)) links.put(d, s);
                                  });
                          case DataplaneResult.Failed<Map<String, LinkState>>(var error) ->
                              log.error(
                                  "cluster={} node={} cannot track links: {}",
                                  cluster,
                                  self,
                                  error.message());
                        }
                        update();
                      }));
    }
    if (pinger != null) pinger.cancel(false);
    pinger = null;
    pingReach.keySet().retainAll(next.pingGroups().stream().map(g -> g.name()).toList());
    if (!next.pingGroups().isEmpty()) {
      pinger = loop.scheduleAtFixedRate(this::pingAll, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }
    update();
  }

  void onLinkChanged(String device, LinkState state) {
    if (!links.containsKey(device)) return;
    links.put(device, state);
    log.info("cluster={} node={} link {} is {}", cluster, self, device, state);
    update();
  }

  void stop() {
    if (pinger != null) pinger.cancel(false);
    pinger = null;
  }

  /**
   * One round per group; a group still waiting for its previous round is skipped, never stacked.
   */
  private void pingAll() {
    Duration timeout = pingEvery.dividedBy(2);
    for (var g : spec.pingGroups()) {
      if (!pinging.add(g.name())) continue;
      dataplane
          .ping(new PingGroup(g.name(), g.targets(), g.arpInterface()), timeout)
          .thenAccept(
              r ->
                  loop.execute(
                      () -> {
                        pinging.remove(g.name());
                        if (spec.pingGroups().stream().noneMatch(p -> p.name().equals(g.name()))) {
                          return; // removed from the config meanwhile
                        }
                        pingReach.put(
                            g.name(),
                            r instanceof DataplaneResult.Ok<?>(var reach)
                                && ((Reachability) reach).reachable());
                        update();
                      }));
    }
  }

  private void update() {
    boolean linksUp = links.values().stream().allMatch(s -> s == LinkState.UP);
    int groups = spec.pingGroups().size();
    int reachable =
        (int)
            spec.pingGroups().stream().filter(g -> pingReach.getOrDefault(g.name(), true)).count();
    Health next = new Health(linksUp, groups, groups == 0 ? 0 : reachable);
    if (!next.equals(health)) {
      health = next;
      onChange.accept(next);
    }
  }
}
