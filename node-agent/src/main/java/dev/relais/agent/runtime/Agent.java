package dev.relais.agent.runtime;

import dev.relais.agent.dataplane.Dataplane;
import dev.relais.agent.dataplane.DataplaneEvent;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.protocol.StateSnapshot;
import dev.relais.model.ClusterModel;
import dev.relais.render.AgentConfigs;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's agent: a {@link ClusterRuntime} for every RouterCluster that names this node, all on
 * one event loop, sharing one data plane. Config changes arrive from any thread and are applied on
 * the loop.
 */
public final class Agent {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final String node;
  private final EventLoop loop;
  private final LongSupplier nanoClock;
  private final Dataplane dataplane;
  private final AgentMetrics metrics;
  private final HeartbeatPaths.Opener paths;
  private final long bootEpoch;
  private final Map<String, ClusterRuntime> clusters =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean ready;

  public Agent(
      String node,
      EventLoop loop,
      LongSupplier nanoClock,
      Dataplane dataplane,
      AgentMetrics metrics,
      long bootEpoch) {
    this(node, loop, nanoClock, dataplane, metrics, HeartbeatPaths.udp(loop), bootEpoch);
  }

  Agent(
      String node,
      EventLoop loop,
      LongSupplier nanoClock,
      Dataplane dataplane,
      AgentMetrics metrics,
      HeartbeatPaths.Opener paths,
      long bootEpoch) {
    this.node = node;
    this.loop = loop;
    this.nanoClock = nanoClock;
    this.dataplane = dataplane;
    this.metrics = metrics;
    this.paths = paths;
    this.bootEpoch = bootEpoch;
  }

  /** Loads and compiles the protocol's hot paths before joining (see {@link Warmup}). */
  public static void warmUp() {
    Warmup.preloadClasses();
    Warmup.run(10);
    Warmup.runtimes();
  }

  /** For the data plane's listener: events are handed to the loop. */
  public void onDataplaneEvent(DataplaneEvent event) {
    loop.execute(() -> clusters.values().forEach(c -> c.onDataplaneEvent(event)));
  }

  /**
   * Applies a config (the first one, or a change) and waits until it is in force. If it throws,
   * part of it may be (a socket failed to bind after other clusters changed): applying the previous
   * config again restores that. Callers are serialized; sockets are bound here, off the loop, and
   * the machines are touched only on it.
   */
  public synchronized void apply(AgentConfigs.Result.Ok config) throws IOException {
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    Map<String, AgentConfigs.Loaded> wanted = new LinkedHashMap<>();
    for (AgentConfigs.Loaded loaded : config.clusters()) {
      if (loaded.model().node(node).isPresent()) {
        wanted.put(loaded.model().clusterId(), loaded);
      } else {
        LOG.info("cluster={} does not name node {}; ignored", loaded.model().clusterId(), node);
      }
    }
    // Translated up front, before anything changes: a config the protocol cannot take throws
    // here and leaves the running one whole.
    for (AgentConfigs.Loaded loaded : wanted.values()) ProtocolConfigs.of(loaded, node);
    for (var it = clusters.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      if (!wanted.containsKey(entry.getKey())) {
        LOG.info("cluster={} node={} removed from config; handing over", entry.getKey(), node);
        ClusterRuntime gone = entry.getValue();
        gone.shutdown().orTimeout(30, TimeUnit.SECONDS).whenComplete((v, e) -> gone.halt());
        it.remove();
      }
    }
    for (AgentConfigs.Loaded loaded : wanted.values()) {
      ClusterRuntime current = clusters.get(loaded.model().clusterId());
      if (current != null && sameSockets(current.model(), loaded.model())) {
        if (!current.model().equals(loaded.model())) {
          LOG.info(
              "cluster={} node={} config generation {} applied",
              current.clusterId(),
              node,
              loaded.model().generation());
          // Awaited with the starts below, so a failure reaches the caller.
          starting.add(CompletableFuture.runAsync(() -> current.reconfigure(loaded), loop));
        }
        continue;
      }
      if (current != null) {
        LOG.info(
            "cluster={} node={} heartbeat addresses changed; restarting its transport",
            current.clusterId(),
            node);
        current.halt();
      }
      ClusterRuntime runtime =
          new ClusterRuntime(
              loop,
              nanoClock,
              dataplane,
              metrics,
              paths,
              loaded,
              node,
              bootEpoch,
              ClusterRuntime.DEFAULT_LOG);
      clusters.put(runtime.clusterId(), runtime);
      starting.add(runtime.start(true));
    }
    try {
      CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while applying config", e);
    } catch (TimeoutException e) {
      throw new IOException("config not applied within 30 s", e);
    }
    ready = true;
  }

  private boolean sameSockets(ClusterModel a, ClusterModel b) {
    return a.timing().port() == b.timing().port()
        && a.timing().transport() == b.timing().transport()
        && Objects.equals(a.timing().interfaces(), b.timing().interfaces())
        && Objects.equals(
            a.nodes().stream().map(n -> n.addresses()).toList(),
            b.nodes().stream().map(n -> n.addresses()).toList());
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
    ready = false;
  }

  public boolean ready() {
    return ready;
  }

  /** Latest published state per cluster (for reporting and tests). */
  public Map<String, StateSnapshot> snapshots() {
    Map<String, StateSnapshot> out = new LinkedHashMap<>();
    clusters.forEach((id, c) -> c.snapshot().ifPresent(s -> out.put(id, s)));
    return out;
  }
}
