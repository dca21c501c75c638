package dev.relais.agent.runtime;

import dev.relais.agent.dataplane.Dataplane;
import dev.relais.agent.dataplane.DataplaneEvent;
import dev.relais.agent.dataplane.VirtualIp;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.protocol.StateSnapshot;
import dev.relais.model.ClusterModel;
import dev.relais.render.AgentConfigs;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's agent: a {@link ClusterRuntime} for every RouterCluster that names this node, all on
 * one event loop, sharing one data plane and one socket per local binding. Config changes arrive
 * from any thread (serialized here) and are applied to the running runtimes on the loop: a cluster
 * keeps its runtime, machine, boot epoch and sequence numbers across every change of its config.
 */
public final class Agent {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  /**
   * The loop counts as stuck when a task posted to it has not run for this long: far above any
   * deadTime (a liveness restart is itself a failover), far below a human's patience.
   */
  static final Duration STUCK_AFTER = Duration.ofSeconds(20);

  private final String node;
  private final EventLoop loop;
  private final LongSupplier nanoClock;
  private final Dataplane dataplane;
  private final AgentMetrics metrics;
  private final HeartbeatPaths.Opener paths;
  private final long bootEpoch;
  private final Clock wallClock;
  private final Map<String, ClusterRuntime> clusters = new ConcurrentHashMap<>();
  // What apply() last put in force per cluster; only apply() (synchronized) reads and writes it.
  private final Map<String, AgentConfigs.Loaded> applied = new LinkedHashMap<>();
  private final List<Runnable> reportListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong probePostedAt = new AtomicLong(-1);
  private volatile boolean applyDone;
  private volatile boolean readyWithoutClusters;

  public Agent(
      String node,
      EventLoop loop,
      LongSupplier nanoClock,
      Dataplane dataplane,
      AgentMetrics metrics,
      long bootEpoch) {
    this(node, loop, nanoClock, dataplane, metrics, null, bootEpoch, Clock.systemUTC());
  }

  /** {@code paths} null: UDP sockets shared per binding. */
  Agent(
      String node,
      EventLoop loop,
      LongSupplier nanoClock,
      Dataplane dataplane,
      AgentMetrics metrics,
      HeartbeatPaths.Opener paths,
      long bootEpoch,
      Clock wallClock) {
    this.node = node;
    this.loop = loop;
    this.nanoClock = nanoClock;
    this.dataplane = dataplane;
    this.metrics = metrics;
    this.paths =
        paths != null
            ? paths
            : HeartbeatPaths.udp(new SharedSockets(loop, metrics::heartbeatRejected));
    this.bootEpoch = bootEpoch;
    this.wallClock = wallClock;
  }

  /** Loads and compiles the protocol's hot paths before joining (see {@link Warmup}). */
  public static void warmUp() {
    Warmup.preloadClasses();
    Warmup.run(10);
    Warmup.runtimes();
  }

  /**
   * Whether an agent that serves no cluster counts as ready: yes in Kubernetes mode (a router no
   * RouterCluster names yet must not hold a DaemonSet rollout), no standalone (a config that names
   * no cluster of this node is a mistake). Default no.
   */
  public void readyWithoutClusters(boolean ready) {
    this.readyWithoutClusters = ready;
  }

  /** For the data plane's listener: events are handed to the loop. */
  public void onDataplaneEvent(DataplaneEvent event) {
    loop.execute(() -> clusters.values().forEach(c -> c.onDataplaneEvent(event)));
  }

  /** Called (on the event loop) whenever a cluster's report changed: do no more than signal. */
  public void addReportListener(Runnable listener) {
    reportListeners.add(listener);
  }

  /**
   * Applies a config (the first one, or a change) and waits until it is in force. Each cluster's
   * change is computed against what this method last applied (not read back from the loop), so a
   * quick revert is applied like any change. If it throws (a socket failed to bind), clusters
   * already changed stay changed and the failed one keeps its previous config; applying the
   * previous config again restores the whole. Callers are serialized; sockets are bound here, off
   * the loop, and the machines are touched only on it.
   */
  public synchronized void apply(AgentConfigs.Result.Ok config) throws IOException {
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    Map<String, AgentConfigs.Loaded> wanted = new LinkedHashMap<>();
    for (AgentConfigs.Loaded loaded : config.clusters()) {
      if (loaded.model().node(node).isPresent()) {
        wanted.put(loaded.model().clusterId(), loaded);
      } else {
        LOG.info("cluster={} does not name node {}; not served", loaded.model().clusterId(), node);
      }
    }
    // Translated up front, before anything changes: a config the protocol cannot take throws
    // here and leaves the running one whole.
    for (AgentConfigs.Loaded loaded : wanted.values()) ProtocolConfigs.of(loaded, node);
    for (var it = clusters.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      if (!wanted.containsKey(entry.getKey())) {
        LOG.info("cluster={} node={} no longer served; handing over", entry.getKey(), node);
        ClusterRuntime gone = entry.getValue();
        gone.shutdown().orTimeout(30, TimeUnit.SECONDS).whenComplete((v, e) -> gone.halt());
        it.remove();
        applied.remove(entry.getKey());
      }
    }
    IOException bindFailure = null;
    for (AgentConfigs.Loaded loaded : wanted.values()) {
      String id = loaded.model().clusterId();
      ClusterRuntime current = clusters.get(id);
      AgentConfigs.Loaded before = applied.get(id);
      try {
        if (current == null) {
          ClusterRuntime runtime = new ClusterRuntime(context(id), loaded, node);
          clusters.put(id, runtime);
          pending.add(runtime.start(true));
        } else if (!sameConfig(before, loaded)) {
          PathSender newPaths =
              sameSockets(before.model(), loaded.model())
                  ? null
                  : current.openPaths(loaded.model());
          // New paths check their MTU as they open; kept ones too, as the heartbeat may have grown.
          // Here, off the loop: reading interfaces is a system call.
          if (newPaths == null) PathMtu.warnIfTooSmall(loaded.model(), node);
          LOG.info(
              "cluster={} node={} config generation {} applied{}",
              id,
              node,
              loaded.model().generation(),
              newPaths == null ? "" : " (heartbeat paths changed)");
          pending.add(
              CompletableFuture.runAsync(() -> current.reconfigure(loaded, newPaths), loop));
        }
        applied.put(id, loaded);
      } catch (IOException e) {
        bindFailure = e;
      }
    }
    await(pending);
    if (bindFailure != null) throw bindFailure;
    applyDone = true;
  }

  private ClusterRuntime.Context context(String clusterId) {
    return new ClusterRuntime.Context(
        loop,
        nanoClock,
        wallClock::instant,
        dataplane,
        metrics,
        paths,
        bootEpoch,
        () -> heldExcept(clusterId),
        this::reportChanged,
        ClusterRuntime.DEFAULT_LOG);
  }

  /** On the loop: addresses every other cluster's runtime holds. */
  private Set<VirtualIp> heldExcept(String clusterId) {
    Set<VirtualIp> out = new HashSet<>();
    clusters.forEach(
        (id, c) -> {
          if (!id.equals(clusterId)) out.addAll(c.heldAddresses());
        });
    return out;
  }

  private void reportChanged() {
    for (Runnable l : reportListeners) l.run();
  }

  private static void await(List<CompletableFuture<Void>> pending) throws IOException {
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while applying config", e);
    } catch (TimeoutException e) {
      throw new IOException("config not applied within 30 s", e);
    }
  }

  /** Same model and the same key bytes (Loaded's record equality compares arrays by identity). */
  static boolean sameConfig(AgentConfigs.Loaded a, AgentConfigs.Loaded b) {
    if (a == null || b == null) return a == b;
    if (!a.model().equals(b.model()) || !a.activeKeyId().equals(b.activeKeyId())) return false;
    if (!a.keys().keySet().equals(b.keys().keySet())) return false;
    return a.keys().entrySet().stream()
        .allMatch(e -> Arrays.equals(e.getValue(), b.keys().get(e.getKey())));
  }

  static boolean sameSockets(ClusterModel a, ClusterModel b) {
    return a.timing().port() == b.timing().port()
        && a.timing().transport() == b.timing().transport()
        && Objects.equals(a.timing().interfaces(), b.timing().interfaces())
        && Objects.equals(a.timing().multicastGroup(), b.timing().multicastGroup())
        && a.timing().multicastTtl() == b.timing().multicastTtl()
        && Objects.equals(
            a.nodes().stream().map(n -> n.name() + n.addresses()).toList(),
            b.nodes().stream().map(n -> n.name() + n.addresses()).toList());
  }

  /** Planned stop: every cluster hands its groups to a peer, bounded by {@code limit}. */
  public void shutdown(Duration limit) {
    CompletableFuture<List<CompletableFuture<Void>>> stopping = new CompletableFuture<>();
    loop.execute(
        () -> stopping.complete(clusters.values().stream().map(ClusterRuntime::shutdown).toList()));
    try {
      List<CompletableFuture<Void>> all = stopping.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .get(limit.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("node={} handed over every group; stopping", node);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("node={} shutdown handoff did not finish within {}: {}", node, limit, e.toString());
    }
    applyDone = false;
  }

  /**
   * Readiness: a first config applied, and every served cluster safe to lose a peer now (see {@link
   * ClusterRuntime#ready}); serving none, as {@link #readyWithoutClusters} says.
   */
  public boolean ready() {
    if (!applyDone) return false;
    if (clusters.isEmpty()) return readyWithoutClusters;
    return clusters.values().stream().allMatch(ClusterRuntime::ready);
  }

  /**
   * Liveness: the event loop runs what is posted to it within {@link #STUCK_AFTER}, and no runtime
   * died. Costs nothing between calls: each call posts one task and checks that the previous one
   * ran. Any thread.
   */
  public boolean live() {
    if (clusters.values().stream().anyMatch(c -> c.failure().isPresent())) return false;
    long now = nanoClock.getAsLong();
    long posted = probePostedAt.get();
    if (posted >= 0) return now - posted < STUCK_AFTER.toNanos();
    if (probePostedAt.compareAndSet(-1, now)) loop.execute(() -> probePostedAt.set(-1));
    return true;
  }

  /** Latest published state per cluster (for reporting and tests). */
  public Map<String, StateSnapshot> snapshots() {
    Map<String, StateSnapshot> out = new LinkedHashMap<>();
    clusters.forEach((id, c) -> c.snapshot().ifPresent(s -> out.put(id, s)));
    return out;
  }

  /** Latest report per served cluster; any thread. */
  public Map<String, ClusterReport> reports() {
    Map<String, ClusterReport> out = new LinkedHashMap<>();
    clusters.forEach((id, c) -> c.report().ifPresent(r -> out.put(id, r)));
    return out;
  }
}
