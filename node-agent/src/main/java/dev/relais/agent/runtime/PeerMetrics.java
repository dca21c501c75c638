package dev.relais.agent.runtime;

import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.protocol.Heartbeat;
import dev.relais.agent.protocol.ProtocolConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One cluster's heartbeat metrics: sent, received and missed per peer, and round trips from the
 * peers' echoes of our heartbeats. Meters are looked up once per peer and kept, so the
 * per-heartbeat path only increments. Loop only.
 */
final class PeerMetrics {
  private final AgentMetrics metrics;
  private final String cluster;
  private final String self;
  private final Counter sent;
  private final PeerStats stats = new PeerStats();
  private final Map<String, Counter> received = new HashMap<>();
  private final Map<String, Timer> roundTrips = new HashMap<>();
  private final Map<String, Integer> pathsOf = new HashMap<>();

  PeerMetrics(AgentMetrics metrics, String cluster, String self) {
    this.metrics = metrics;
    this.cluster = cluster;
    this.self = self;
    this.sent = metrics.heartbeatsSent(cluster);
  }

  /** How many paths each node sends on (a peer's missed count is per datagram, over all paths). */
  void configure(ProtocolConfig config) {
    pathsOf.clear();
    config.nodes().forEach(n -> pathsOf.put(n.name(), n.paths()));
  }

  void sent(Heartbeat hb, long nowNanos) {
    stats.sent(hb.sequence(), nowNanos);
    sent.increment();
  }

  void received(Heartbeat hb, long nowNanos) {
    Counter counter = received.get(hb.sender());
    if (counter == null) {
      counter = metrics.heartbeatsReceived(cluster, hb.sender());
      received.put(hb.sender(), counter);
      metrics.heartbeatsMissed(cluster, hb.sender()); // the series exists from the start, at 0
    }
    counter.increment();
    var echoes = hb.echoes();
    for (int i = 0; i < echoes.size(); i++) {
      if (echoes.get(i).peer().equals(self)) {
        long rtt = stats.roundTripNanos(echoes.get(i), nowNanos);
        if (rtt >= 0) {
          Timer timer = roundTrips.get(hb.sender());
          if (timer == null) {
            timer = metrics.peerRoundTrip(cluster, hb.sender());
            roundTrips.put(hb.sender(), timer);
          }
          timer.record(rtt, TimeUnit.NANOSECONDS);
        }
      }
    }
    long missed = stats.missedBefore(hb, pathsOf.getOrDefault(hb.sender(), 1));
    if (missed > 0) {
      metrics.heartbeatsMissed(cluster, hb.sender()).increment(missed);
    }
  }
}
