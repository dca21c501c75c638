package dev.relais.agent.protocol;

import dev.relais.agent.protocol.DecodeResult.Accepted;
import dev.relais.agent.protocol.DecodeResult.Rejected;
import dev.relais.agent.protocol.Effect.AcquireVip;
import dev.relais.agent.protocol.Effect.ReleaseVip;
import dev.relais.agent.protocol.Effect.Report;
import dev.relais.agent.protocol.Effect.SendHeartbeat;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Machines talking through their real codecs on one virtual clock, every datagram as bytes: what
 * freshness and wire versions need (a recording to replay, nodes of two versions), and what the
 * simulation, which passes messages, does not show. Fixed one-way delay; no loss.
 */
final class WireLab {
  static final long MS = 1_000_000L;

  /** One node: machine, codec, what it holds, what it was told. */
  static final class Node {
    final String name;
    final ProtocolConfig config;
    ProtocolMachine machine;
    HeartbeatCodec codec;
    final Set<String> held = new HashSet<>();
    final List<Report> reports = new ArrayList<>();
    final Map<RejectReason, Integer> rejected = new EnumMap<>(RejectReason.class);
    final Map<Integer, Integer> sentByVersion = new LinkedHashMap<>();
    boolean up;

    Node(String name, ProtocolConfig config) {
      this.name = name;
      this.config = config;
    }
  }

  private record Delivery(long at, long order, String to, byte[] bytes) {}

  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final PriorityQueue<Delivery> inFlight =
      new PriorityQueue<>(
          (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
  private final long delayNanos;
  private long now;
  private long order;
  private Consumer<byte[]> tap = b -> {};
  private String tapped = "";

  WireLab(long delayNanos) {
    this.delayNanos = delayNanos;
  }

  long now() {
    return now;
  }

  Node node(String name) {
    return nodes.get(name);
  }

  /** Starts (or restarts, with a new boot) {@code name} speaking wire versions up to {@code v}. */
  Node start(ProtocolConfig config, long bootEpoch, int highestVersion) {
    var n = nodes.computeIfAbsent(config.self(), k -> new Node(k, config));
    n.machine = new ProtocolMachine(config, bootEpoch, highestVersion);
    n.codec = new HeartbeatCodec(config, highestVersion);
    n.held.clear();
    n.reports.clear();
    n.rejected.clear();
    n.sentByVersion.clear();
    n.up = true;
    apply(n, n.machine.start(now));
    return n;
  }

  /** Power off: no more sends, no more receipts; what it held is gone with it. */
  void powerOff(String name) {
    var n = nodes.get(name);
    n.up = false;
    n.held.clear();
  }

  /** Every datagram {@code name} sends from now on is also handed to {@code recorder}. */
  void record(String name, Consumer<byte[]> recorder) {
    tapped = name;
    tap = recorder;
  }

  /** A datagram from outside (an attacker replaying a recording), arriving now. */
  void inject(String to, byte[] bytes) {
    receive(nodes.get(to), bytes);
  }

  /** Runs the clock to {@code until}, delivering datagrams and waking machines on time. */
  void runUntil(long until) {
    while (true) {
      long next = Long.MAX_VALUE;
      Node due = null;
      for (var n : nodes.values()) {
        if (n.up && n.machine.nextDeadlineNanos() < next) {
          next = n.machine.nextDeadlineNanos();
          due = n;
        }
      }
      var d = inFlight.peek();
      if (d != null && d.at <= next && d.at <= until) {
        inFlight.poll();
        now = Math.max(now, d.at);
        receive(nodes.get(d.to), d.bytes);
      } else if (due != null && next <= until) {
        now = Math.max(now, next);
        apply(due, due.machine.onTick(now));
      } else {
        now = until;
        return;
      }
    }
  }

  /** Runs until {@code name} holds {@code group}; returns when, or -1 if not by {@code until}. */
  long runUntilHeld(String name, String group, long until) {
    while (now < until) {
      runUntil(Math.min(until, now + MS));
      if (nodes.get(name).held.contains(group)) {
        return now;
      }
    }
    return -1;
  }

  private void receive(Node n, byte[] bytes) {
    if (n == null || !n.up) {
      return;
    }
    switch (n.codec.decode(bytes, 0, bytes.length)) {
      case Accepted(Heartbeat hb, int keyId) -> apply(n, n.machine.onHeartbeat(hb, hb.path(), now));
      case Rejected(RejectReason reason) -> n.rejected.merge(reason, 1, Integer::sum);
    }
  }

  void apply(Node n, List<Effect> effects) {
    for (var e : effects) {
      switch (e) {
        case SendHeartbeat(Heartbeat hb) -> {
          byte[] bytes = n.codec.encode(hb);
          n.sentByVersion.merge(hb.wireVersion(), 1, Integer::sum);
          if (n.name.equals(tapped)) {
            tap.accept(bytes);
          }
          for (var peer : nodes.values()) {
            if (peer != n) {
              inFlight.add(new Delivery(now + delayNanos, order++, peer.name, bytes));
            }
          }
        }
        case AcquireVip a -> n.held.add(a.group());
        case ReleaseVip r -> n.held.remove(r.group());
        case Report r -> n.reports.add(r);
        default -> {}
      }
    }
  }
}
