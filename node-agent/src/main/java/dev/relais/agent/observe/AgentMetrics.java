package dev.relais.agent.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's Prometheus metrics. Meters are created once per label set and cached, so the
 * per-heartbeat paths only increment.
 */
public final class AgentMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  // Registered up front, so the series reads 0 before the first rejection (a rate() or an alert
  // on increase() then sees the first one too).
  private final Counter configRejected =
      Counter.builder("relais_config_rejected")
          .description("Config changes not put in force: invalid, unreadable, too large, or failed")
          .register(registry);

  /** 1 while this node holds the group, 0 otherwise. */
  public void vipHeld(String cluster, String group, boolean held) {
    gauge("relais_vip_held", "cluster", cluster, "group", group).set(held ? 1 : 0);
  }

  /**
   * This node's role per group: the GroupRole ordinal (0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT, 4
   * STANDBY, 5 STOPPED).
   */
  public void groupState(String cluster, String group, int state) {
    gauge("relais_group_state", "cluster", cluster, "group", group).set(state);
  }

  /**
   * 1 while flap damping holds this owner's failback (or ipfail move) of the group to a node that
   * keeps losing it unplanned, 0 otherwise (docs/design/protocol.md, "Flap damping"). Until when is
   * in the node's state, not here: a gauge set on change cannot count down.
   */
  public void failbackDamped(String cluster, String group, boolean held) {
    gauge("relais_failback_damped", "cluster", cluster, "group", group).set(held ? 1 : 0);
  }

  public void transition(String cluster, String group, String from, String to, String reason) {
    counter(
            "relais_transitions",
            "cluster",
            cluster,
            "group",
            group,
            "from",
            from,
            "to",
            to,
            "reason",
            reason)
        .increment();
  }

  /** The per-heartbeat counters are looked up once and kept by the caller. */
  public Counter heartbeatsSent(String cluster) {
    return counter("relais_heartbeats_sent", "cluster", cluster);
  }

  public Counter heartbeatsReceived(String cluster, String peer) {
    return counter("relais_heartbeats_received", "cluster", cluster, "peer", peer);
  }

  /** Round trips to a peer, measured from its echoes of our heartbeats. */
  public Timer peerRoundTrip(String cluster, String peer) {
    return timers.computeIfAbsent(
        "rtt," + cluster + "," + peer,
        k ->
            Timer.builder("relais_peer_rtt")
                .description("Heartbeat round trip to a peer (its hold time subtracted)")
                .tags("cluster", cluster, "peer", peer)
                .register(registry));
  }

  /** How late the event loop ran this cluster's timers: this node's share of any false failover. */
  public Timer eventLoopDelay(String cluster) {
    return timers.computeIfAbsent(
        "delay," + cluster,
        k ->
            Timer.builder("relais_event_loop_delay")
                .description("How late the event loop ran a protocol timer past its deadline")
                .tags("cluster", cluster)
                .register(registry));
  }

  /** Heartbeats of a peer that never arrived (gaps in its sequence numbers). */
  public Counter heartbeatsMissed(String cluster, String peer) {
    return counter("relais_heartbeats_missed", "cluster", cluster, "peer", peer);
  }

  public void heartbeatRejected(String reason) {
    counter("relais_heartbeats_rejected", "reason", reason).increment();
  }

  public void failover(String cluster, String group, String reason, Duration took) {
    timers
        .computeIfAbsent(
            "fo" + cluster + group + reason,
            k ->
                Timer.builder("relais_failover_duration")
                    .tags("cluster", cluster, "group", group, "reason", reason)
                    .register(registry))
        .record(took);
  }

  /** A VIP add, renewal, removal or announcement the kernel refused (each is retried). */
  public void vipOperationFailed(String cluster, String group, String operation) {
    counter(
            "relais_vip_operation_failures",
            "cluster",
            cluster,
            "group",
            group,
            "operation",
            operation)
        .increment();
  }

  /** A duplicate-owner probe found other link-layer addresses answering for a VIP. */
  public void duplicateOwner(String cluster, String group) {
    counter("relais_duplicate_owner_detected", "cluster", cluster, "group", group).increment();
  }

  public void announcementsSent(String cluster, String group, int count) {
    counter("relais_garps_sent", "cluster", cluster, "group", group).increment(count);
  }

  /** Every config the agent did not put in force, whatever the reason. */
  public void configRejected() {
    configRejected.increment();
  }

  public String scrape() {
    return registry.scrape();
  }

  private Counter counter(String name, String... tags) {
    return counters.computeIfAbsent(
        name + String.join(",", tags), k -> Counter.builder(name).tags(tags).register(registry));
  }

  private AtomicInteger gauge(String name, String... tags) {
    return gauges.computeIfAbsent(
        name + String.join(",", tags),
        k -> {
          AtomicInteger value = new AtomicInteger();
          Gauge.builder(name, value, AtomicInteger::get).tags(tags).register(registry);
          return value;
        });
  }
}
