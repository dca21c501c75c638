package dev.relais.agent.protocol.sim;

import dev.relais.agent.protocol.DecodeResult;
import dev.relais.agent.protocol.Effect;
import dev.relais.agent.protocol.Health;
import dev.relais.agent.protocol.Heartbeat;
import dev.relais.agent.protocol.HeartbeatCodec;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.ProtocolMachine;
import dev.relais.agent.protocol.RejectReason;
import dev.relais.agent.protocol.StateSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * N protocol machines on one virtual clock, connected by a seeded {@link Network}. The VIPs a node
 * holds are whatever its Acquire/Release effects left; a crashed node holds nothing (powered off).
 * Optionally every heartbeat goes through the real codec (encode, sign, verify, replay window).
 * Reads are deferred as the runtime defers them ({@link ProtocolMachine#deferReadsUntil}): while a
 * node lets them wait, its datagrams queue, and at its next wakeup, or before any other input, the
 * newest of each sender, path and version goes to the machine with the time it came, and the
 * effects take place at the wakeup.
 */
public final class SimulatedCluster {
  /** A VIP moved: {@code acquired} true for AcquireVip, false for ReleaseVip or a crash. */
  public record VipEvent(long nanos, String node, String group, boolean acquired) {}

  /** One simulated router: its config, its current incarnation, what it holds. */
  private static final class Node {
    final String name;
    ProtocolConfig config;
    ProtocolMachine machine;
    HeartbeatCodec codec;
    boolean up;
    long bootEpoch;
    long tickAt = Long.MAX_VALUE;
    long tickToken;
    long indexedSends;
    boolean deferring;
    long lastInput;
    long wakeups;
    final List<Queued> inbox = new ArrayList<>();
    final Set<String> held = new TreeSet<>();
    final Map<String, Long> heldSince = new HashMap<>();

    Node(String name, ProtocolConfig config) {
      this.name = name;
      this.config = config;
    }
  }

  private record Event(long nanos, long seq, Runnable action) {}

  private record Queued(String from, Heartbeat heartbeat, int path, long at, long sentAt) {}

  /** {@code -Dsim.trace=true} prints every effect but heartbeats (use with {@code -Dsim.seed}). */
  private static final boolean TRACE = Boolean.getBoolean("sim.trace");

  private final long seed;
  private final Random random;
  private final Network network;
  private final boolean wire;
  // -Dsim.deferReads=false: every node reads each datagram as it comes (for comparison).
  private boolean deferReads = !"false".equals(System.getProperty("sim.deferReads"));
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.nanos != b.nanos ? Long.compare(a.nanos, b.nanos) : Long.compare(a.seq, b.seq));
  private final List<VipEvent> vipEvents = new ArrayList<>();
  private final List<Effect.StateChange> changes = new ArrayList<>();
  private final List<Effect.Report> reports = new ArrayList<>();
  private final Map<String, StateSnapshot> snapshots = new HashMap<>();
  private final Map<String, Long> lastDeliveredSentAt = new HashMap<>();
  private final List<Consumer<SimulatedCluster>> checks = new ArrayList<>();
  private long now;
  private long seq;
  private long rejected;
  private final Map<RejectReason, Long> rejectedBy = new EnumMap<>(RejectReason.class);

  public SimulatedCluster(
      long seed, List<ProtocolConfig> configs, Network.Link defaultLink, boolean wire) {
    this.seed = seed;
    this.random = new Random(seed);
    this.network = new Network(random, defaultLink);
    this.wire = wire;
    for (var c : configs) {
      nodes.put(c.self(), new Node(c.self(), c));
    }
  }

  /** Whether nodes defer reads when their machines allow it (as the runtime does); default yes. */
  public SimulatedCluster deferReads(boolean defer) {
    deferReads = defer;
    return this;
  }

  /** Whether {@code name} leaves its datagrams unread until its next wakeup. */
  public boolean deferring(String name) {
    return nodes.get(name).deferring;
  }

  /**
   * Timer wakeups plus datagrams read as they came, of {@code name}: the runtime's loop wakeups.
   */
  public long wakeups(String name) {
    return nodes.get(name).wakeups;
  }

  public long seed() {
    return seed;
  }

  public Random random() {
    return random;
  }

  public Network network() {
    return network;
  }

  public long nowNanos() {
    return now;
  }

  public List<String> nodeNames() {
    return List.copyOf(nodes.keySet());
  }

  /** Runs {@code check} after every event (a property that must hold at all times). */
  public void always(Consumer<SimulatedCluster> check) {
    checks.add(check);
  }

  /** Powers a node on (a new incarnation with a larger boot epoch). */
  public void start(String name) {
    var node = nodes.get(name);
    if (node.up) {
      throw new IllegalStateException(name + " is already up");
    }
    node.up = true;
    node.bootEpoch += 1 + random.nextInt(3);
    node.machine = new ProtocolMachine(node.config, node.bootEpoch);
    node.codec = wire ? new HeartbeatCodec(node.config) : null;
    apply(node, node.machine.start(now));
  }

  /** Starts every node, each at a random offset within {@code spread}. */
  public void startAll(Duration spread) {
    for (var name : nodes.keySet()) {
      long at = now + (spread.isZero() ? 0 : random.nextLong(spread.toNanos()));
      schedule(at, () -> start(name));
    }
  }

  /** Power off or crash: the process and its addresses are gone at once. */
  public void powerOff(String name) {
    var node = nodes.get(name);
    if (!node.up) {
      return;
    }
    node.up = false;
    node.machine = null;
    node.inbox.clear();
    node.deferring = false;
    node.tickAt = Long.MAX_VALUE;
    node.tickToken++;
    for (var g : node.held) {
      vipEvents.add(new VipEvent(now, name, g, false));
    }
    node.held.clear();
  }

  /** A clean shutdown through the machine; the node powers off when it reports completion. */
  public void shutdown(String name) {
    var node = nodes.get(name);
    if (node.up) {
      var out = catchUp(node);
      out.addAll(node.machine.requestShutdown(now));
      apply(node, Effect.latestSends(out));
    }
  }

  public void setHealth(String name, Health health) {
    var node = nodes.get(name);
    if (node.up) {
      var out = catchUp(node);
      out.addAll(node.machine.onHealth(health, now));
      apply(node, Effect.latestSends(out));
    }
  }

  /** Changes every node's config, each node picking it up within {@code maxSkew}. */
  public void reconfigure(UnaryOperator<ProtocolConfig> change, Duration maxSkew) {
    for (var node : nodes.values()) {
      var next = change.apply(node.config);
      long at = now + (maxSkew.isZero() ? 0 : random.nextLong(maxSkew.toNanos() + 1));
      schedule(
          at,
          () -> {
            node.config = next;
            if (node.up) {
              var out = catchUp(node);
              if (node.codec != null) {
                node.codec.reconfigure(next);
              }
              out.addAll(node.machine.onConfig(next, now));
              apply(node, Effect.latestSends(out));
            }
          });
    }
  }

  /** Changes one node's config now, as a standalone file edited on that router only would. */
  public void reconfigure(String name, UnaryOperator<ProtocolConfig> change) {
    var node = nodes.get(name);
    node.config = change.apply(node.config);
    if (node.up) {
      var out = catchUp(node);
      if (node.codec != null) {
        node.codec.reconfigure(node.config);
      }
      out.addAll(node.machine.onConfig(node.config, now));
      apply(node, Effect.latestSends(out));
    }
  }

  public void schedule(long atNanos, Runnable action) {
    queue.add(new Event(Math.max(atNanos, now), seq++, action));
  }

  public void advance(Duration d) {
    runUntil(now + d.toNanos());
  }

  public void runUntil(long endNanos) {
    while (!queue.isEmpty() && queue.peek().nanos <= endNanos) {
      var e = queue.poll();
      now = e.nanos;
      e.action.run();
      for (var check : checks) {
        check.accept(this);
      }
    }
    now = Math.max(now, endNanos);
  }

  public boolean isUp(String name) {
    return nodes.get(name).up;
  }

  public boolean holds(String name, String group) {
    return nodes.get(name).held.contains(group);
  }

  /** Every running node holding the group's VIP. */
  public List<String> owners(String group) {
    var out = new ArrayList<String>();
    for (var n : nodes.values()) {
      if (n.up && n.held.contains(group)) {
        out.add(n.name);
      }
    }
    return out;
  }

  /** When {@code name} acquired the group it holds now. */
  public long heldSinceNanos(String name, String group) {
    return nodes.get(name).heldSince.getOrDefault(group, -1L);
  }

  public Optional<String> owner(String group) {
    var o = owners(group);
    return o.size() == 1 ? Optional.of(o.get(0)) : Optional.empty();
  }

  public List<VipEvent> vipEvents() {
    return vipEvents;
  }

  public List<Effect.StateChange> stateChanges() {
    return changes;
  }

  public List<Effect.Report> reports() {
    return reports;
  }

  /** The latest state {@code name} published, if it ever did. */
  public Optional<StateSnapshot> snapshot(String name) {
    return Optional.ofNullable(snapshots.get(name));
  }

  public ProtocolConfig config(String name) {
    return nodes.get(name).config;
  }

  /** Datagrams the codec rejected (wire mode only). */
  public long rejectedDatagrams() {
    return rejected;
  }

  /** Datagrams the codec rejected for {@code reason} (wire mode only). */
  public long rejectedDatagrams(RejectReason reason) {
    return rejectedBy.getOrDefault(reason, 0L);
  }

  /** Heartbeats {@code name} sent with groups as indices (wire mode only). */
  public long indexedSends(String name) {
    return nodes.get(name).indexedSends;
  }

  /**
   * Send time of the newest heartbeat from {@code from} that reached {@code to}'s machine (a
   * deferring node's when it reads it), or -1.
   */
  public long lastDeliveredSentAt(String from, String to) {
    return lastDeliveredSentAt.getOrDefault(from + ">" + to, -1L);
  }

  public long maxDelayNanos() {
    return network.maxDelayNanos();
  }

  private void apply(Node node, List<Effect> effects) {
    for (var effect : effects) {
      if (TRACE
          && !(effect instanceof Effect.SendHeartbeat || effect instanceof Effect.PublishState)) {
        System.out.printf("%14.6f %-8s %s%n", now / 1e9, node.name, effect);
      }
      switch (effect) {
        case Effect.SendHeartbeat(var hb) -> send(node, hb);
        case Effect.AcquireVip(var group, var epoch) -> {
          if (node.held.add(group)) {
            node.heldSince.put(group, now);
            vipEvents.add(new VipEvent(now, node.name, group, true));
          }
        }
        case Effect.ReleaseVip(var group) -> {
          if (node.held.remove(group)) {
            vipEvents.add(new VipEvent(now, node.name, group, false));
          }
        }
        case Effect.StateChange c -> changes.add(c);
        case Effect.ShutdownComplete() -> powerOff(node.name);
        case Effect.AnnounceVip a -> {}
        case Effect.Report r -> reports.add(r);
        case Effect.PublishState p -> snapshots.put(node.name, p.snapshot());
      }
      if (!node.up) {
        return;
      }
    }
    node.lastInput = now;
    long until = deferReads ? node.machine.deferReadsUntil(now) : Long.MIN_VALUE;
    boolean was = node.deferring;
    node.deferring = until != Long.MIN_VALUE;
    if (TRACE && was != node.deferring) {
      System.out.printf(
          "%14.6f %-8s reads %s%n", now / 1e9, node.name, node.deferring ? "deferred" : "at once");
    }
    long deadline = node.deferring ? until : node.machine.nextDeadlineNanos();
    if (deadline <= now) {
      throw new AssertionError(node.name + " asked to be woken at " + deadline + " <= now " + now);
    }
    if (deadline != node.tickAt) {
      node.tickAt = deadline;
      long token = ++node.tickToken;
      if (deadline != Long.MAX_VALUE) {
        schedule(
            deadline,
            () -> {
              if (node.up && node.tickToken == token) {
                node.tickAt = Long.MAX_VALUE;
                node.wakeups++;
                var out = catchUp(node);
                out.addAll(node.machine.onTick(now));
                apply(node, Effect.latestSends(out));
              }
            });
      }
    }
  }

  private void send(Node from, Heartbeat hb) {
    byte[] datagram = from.codec == null ? null : from.codec.encode(hb);
    // Counted by size: a heartbeat whose groups went out as indices is shorter than with ids.
    if (datagram != null
        && hb.groupIndices()
        && datagram.length < from.codec.encodedLength(hb.withGroupTable(hb.groupTable(), false))) {
      from.indexedSends++;
    }
    long sentAt = now;
    for (var to : nodes.values()) {
      if (to == from) {
        continue;
      }
      for (long delay : network.fate(from.name, to.name, hb.path())) {
        schedule(now + delay, () -> deliver(from.name, to, hb, datagram, sentAt));
      }
    }
  }

  private void deliver(String from, Node to, Heartbeat hb, byte[] datagram, long sentAt) {
    if (!to.up) {
      return;
    }
    var message = hb;
    if (datagram != null) {
      switch (to.codec.decode(datagram, 0, datagram.length)) {
        case DecodeResult.Accepted(var decoded, var keyId) -> message = decoded;
        case DecodeResult.Rejected r -> {
          rejected++;
          rejectedBy.merge(r.reason(), 1L, Long::sum);
          return;
        }
      }
    }
    if (to.deferring) {
      queue(to, new Queued(from, message, hb.path(), now, sentAt));
      return;
    }
    lastDeliveredSentAt.merge(from + ">" + to.name, sentAt, Math::max);
    to.wakeups++;
    apply(to, to.machine.onHeartbeat(message, hb.path(), now));
  }

  /** Keeps a datagram for a deferring node: the newest of each sender, path and version. */
  private void queue(Node to, Queued q) {
    var hb = q.heartbeat();
    for (int i = 0; i < to.inbox.size(); i++) {
      var other = to.inbox.get(i).heartbeat();
      if (other.sender().equals(hb.sender())
          && to.inbox.get(i).path() == q.path()
          && other.wireVersion() == hb.wireVersion()) {
        if (other.bootEpoch() < hb.bootEpoch()
            || (other.bootEpoch() == hb.bootEpoch() && other.sequence() < hb.sequence())) {
          to.inbox.set(i, q);
        }
        return;
      }
    }
    to.inbox.add(q);
  }

  /** What a deferring node's queue holds, fed to its machine in the order it came, at that time. */
  private List<Effect> catchUp(Node node) {
    var out = new ArrayList<Effect>();
    node.inbox.sort((a, b) -> Long.compare(a.at(), b.at()));
    for (var q : node.inbox) {
      long at = Math.max(q.at(), node.lastInput);
      node.lastInput = at;
      lastDeliveredSentAt.merge(q.from() + ">" + node.name, q.sentAt(), Math::max);
      out.addAll(node.machine.onHeartbeat(q.heartbeat(), q.path(), at));
    }
    node.inbox.clear();
    return out;
  }

  @Override
  public String toString() {
    return "SimulatedCluster[seed=" + seed + ", t=" + Duration.ofNanos(now) + "]";
  }
}
