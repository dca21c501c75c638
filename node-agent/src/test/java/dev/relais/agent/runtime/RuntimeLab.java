package dev.relais.agent.runtime;

import dev.relais.agent.dataplane.FakeDataplane;
import dev.relais.agent.dataplane.VirtualIp;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.protocol.GroupRole;
import dev.relais.agent.protocol.StateSnapshot;
import dev.relais.render.AgentConfigs;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.helpers.NOPLogger;

/**
 * Real {@link ClusterRuntime}s on one netty embedded event loop with a mock ticker: virtual time,
 * in-memory paths between the nodes, a {@link FakeDataplane} per node. Every datagram goes through
 * the real codec; a node can be cut off (its datagrams dropped both ways).
 */
final class RuntimeLab implements AutoCloseable {
  static final String KEY_1 = "lab-key-0123456789abcdef";
  static final String KEY_2 = "lab-key-fedcba9876543210";

  final MockTicker ticker = Ticker.newMockTicker();
  final EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker).build();
  final EventLoop loop = channel.eventLoop();
  final Map<String, Node> nodes = new LinkedHashMap<>();

  /** One router: its runtime, data plane, metrics, and every path generation opened for it. */
  final class Node {
    final String name;
    final FakeDataplane dataplane =
        new FakeDataplane(e -> loop.execute(() -> this.runtime.onDataplaneEvent(e)));
    final AgentMetrics metrics = new AgentMetrics();
    final List<String> opened = new ArrayList<>();
    final Map<Integer, Integer> sentOnPath = new java.util.TreeMap<>();
    final Set<VirtualIp> heldByOthers = new HashSet<>();
    int reports;
    boolean cut;
    ClusterRuntime runtime;
    AgentConfigs.Loaded applied;

    Node(String name) {
      this.name = name;
    }

    /** This node's role for the group, from its latest snapshot. */
    GroupRole role(String group) {
      return snapshot().groups().stream()
          .filter(g -> g.group().equals(group))
          .map(StateSnapshot.GroupView::role)
          .findFirst()
          .orElseThrow();
    }

    StateSnapshot snapshot() {
      return runtime.snapshot().orElseThrow();
    }

    Set<String> installedAddresses() {
      Set<String> out = new HashSet<>();
      dataplane.installed().keySet().forEach(v -> out.add(v.address().getHostAddress()));
      return out;
    }

    double rejected(String reason) {
      return scrapeCounter("relais_heartbeats_rejected_total{reason=\"" + reason + "\"");
    }

    double scrapeCounter(String prefix) {
      return Arrays.stream(metrics.scrape().split("\n"))
          .filter(l -> l.startsWith(prefix))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    }

    /** Applies a config as Agent.apply would: paths reopened only if the sockets changed. */
    void apply(AgentConfigs.Loaded next) throws IOException {
      PathSender paths =
          Agent.sameSockets(applied.model(), next.model()) ? null : runtime.openPaths(next.model());
      applied = next;
      runtime.reconfigure(next, paths);
      settle();
    }
  }

  Node add(String name, AgentConfigs.Loaded config) throws IOException {
    Node node = new Node(name);
    nodes.put(name, node);
    node.applied = config;
    node.runtime = new ClusterRuntime(context(node), config, name);
    return node;
  }

  void startAll() {
    nodes.values().forEach(n -> n.runtime.start(false));
    settle();
  }

  private ClusterRuntime.Context context(Node node) {
    HeartbeatPaths.Opener opener =
        (model, self, receiver) -> {
          String generation = self + "@" + model.nodes();
          node.opened.add(generation);
          return new PathSender() {
            boolean closed;

            @Override
            public void send(int path, byte[] data, int length) {
              if (closed || node.cut) return;
              node.sentOnPath.merge(path, 1, Integer::sum);
              byte[] copy = Arrays.copyOf(data, length);
              for (Node peer : nodes.values()) {
                if (peer != node && !peer.cut) {
                  loop.execute(() -> peer.runtime.onDatagram(copy, length));
                }
              }
            }

            @Override
            public void close() {
              closed = true;
              node.opened.remove(generation);
            }
          };
        };
    return new ClusterRuntime.Context(
        loop,
        ticker::nanoTime,
        () -> Instant.EPOCH.plusNanos(ticker.nanoTime()),
        node.dataplane,
        node.metrics,
        opener,
        1,
        () -> Set.copyOf(node.heldByOthers),
        () -> node.reports++,
        NOPLogger.NOP_LOGGER);
  }

  /** Runs queued work without moving the clock. */
  void settle() {
    channel.runPendingTasks();
  }

  /** Advances virtual time in 1 ms steps, running whatever falls due. */
  void run(Duration d) {
    for (long ms = 0; ms < d.toMillis(); ms++) {
      ticker.advance(1, java.util.concurrent.TimeUnit.MILLISECONDS);
      channel.runPendingTasks();
    }
  }

  /** Who holds the group's addresses, by data plane, not by claim. */
  List<String> holders(String address) {
    List<String> out = new ArrayList<>();
    nodes
        .values()
        .forEach(
            n -> {
              if (n.installedAddresses().contains(address)) out.add(n.name);
            });
    return out;
  }

  @Override
  public void close() {
    nodes.values().forEach(n -> n.runtime.halt());
    channel.runPendingTasks();
    channel.finishAndReleaseAll();
  }

  // --- configs ---

  /** A two-node cluster in YAML at {@code generation}, edited by {@code edit} before it is read. */
  static AgentConfigs.Loaded config(long generation, UnaryOperator<String> edit) {
    String yaml = edit.apply(BASE.replace("generation: 1}", "generation: " + generation + "}"));
    AgentConfigs.Result result = AgentConfigs.read(yaml, "lab");
    if (!(result instanceof AgentConfigs.Result.Ok ok)) {
      throw new IllegalArgumentException("lab config rejected: " + result);
    }
    return ok.clusters().getFirst();
  }

  static AgentConfigs.Loaded config() {
    return config(1, UnaryOperator.identity());
  }

  static final String BASE =
      """
      apiVersion: v1
      kind: Secret
      metadata: {name: lab-auth}
      stringData: {"1": "%s", "2": "%s"}
      ---
      apiVersion: relais.dev/v1alpha1
      kind: RouterCluster
      metadata: {name: lab, generation: 1}
      spec:
        nodes:
          - {name: a, priority: 200, addresses: ["10.0.0.1"]}
          - {name: b, priority: 100, addresses: ["10.0.0.2"]}
        vipGroups:
          - name: gw
            preferredNode: a
            addresses: [{address: 192.0.2.10/24, interface: lan0}]
          - name: dns
            preferredNode: a
            addresses: [{address: 192.0.2.53/24, interface: lan0}]
        authSecretRef: {name: lab-auth, activeKeyId: "1"}
        heartbeat: {keepaliveMs: 1000, deadTimeMs: 5000, initDeadMs: 10000}
        failback: {policy: Auto}
      """
          .formatted(KEY_1, KEY_2);

  static VirtualIp vip(String address, int prefix) {
    try {
      return new VirtualIp(InetAddress.getByName(address), prefix, "lan0", Optional.empty());
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
