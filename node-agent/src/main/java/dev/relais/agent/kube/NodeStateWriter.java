package dev.relais.agent.kube;

import dev.relais.agent.runtime.ClusterReport;
import dev.relais.api.v1alpha1.RouterNodeState;
import dev.relais.api.v1alpha1.RouterNodeStateSpec;
import dev.relais.api.v1alpha1.RouterNodeStateStatus;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node's RouterNodeStates (one per served cluster, in the release namespace) from the
 * agent's reports, off the event loop: {@link #signal} only sets a flag, the {@code
 * relais-kube-report} thread computes every status from the latest reports, and writes a cluster's
 * only when it differs from what it last wrote (so an idle router writes nothing). A failed write
 * is retried with exponential backoff and jitter, with whatever is latest by then.
 *
 * <p>Each write is one JSON Patch that sets the whole {@code /status} ({@code add} replaces a
 * member that exists): no resourceVersion to race, and the same meaning on the mock and a real
 * server (a merge patch concatenates arrays on the mock). A missing object is created first.
 */
final class NodeStateWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeStateWriter.class);

  /** Reports that change together (both groups of a takeover) become one write. */
  static final Duration COALESCE = Duration.ofMillis(50);

  static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final String namespace;
  private final String node;
  private final Supplier<Map<String, ClusterReport>> reports;
  private final Supplier<Map<String, ServedClusters.ConfigStatus>> configs;
  private final NodeStatuses.Identity identity;
  private final Clock clock;
  private final RandomGenerator jitter;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("relais-kube-report").daemon().unstarted(r));
  private final AtomicBoolean queued = new AtomicBoolean();

  // On the writer thread only.
  private final Map<String, String> written = new HashMap<>();
  private int failures;
  private volatile boolean closed;
  private volatile boolean closing;

  NodeStateWriter(
      KubernetesClient client,
      String namespace,
      String node,
      Supplier<Map<String, ClusterReport>> reports,
      Supplier<Map<String, ServedClusters.ConfigStatus>> configs,
      NodeStatuses.Identity identity,
      Clock clock,
      RandomGenerator jitter) {
    this.client = client;
    this.namespace = namespace;
    this.node = node;
    this.reports = reports;
    this.configs = configs;
    this.identity = identity;
    this.clock = clock;
    this.jitter = jitter;
  }

  /** Something may have changed; any thread, including the event loop: costs a flag. */
  void signal() {
    if (closed || !queued.compareAndSet(false, true)) return;
    thread.schedule(this::flush, COALESCE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void flush() {
    queued.set(false);
    if (closed) return;
    Map<String, ClusterReport> byCluster = reports.get();
    Map<String, ServedClusters.ConfigStatus> served = configs.get();
    boolean failed = false;
    for (var e : served.entrySet()) {
      String cluster = e.getKey();
      RouterNodeStateStatus status =
          NodeStatuses.of(Optional.ofNullable(byCluster.get(cluster)), e.getValue(), identity);
      String json = client.getKubernetesSerialization().asJson(status);
      if (json.equals(written.get(cluster))) continue;
      status.reportTime = clock.instant().toString();
      try {
        write(cluster, status);
        written.put(cluster, json);
      } catch (KubernetesClientException e2) {
        failed = true;
        LOG.debug("node={} cluster={} node state not written: {}", node, cluster, e2.toString());
        if (failures == 0) {
          LOG.warn(
              "node={} cluster={} node state not written ({}); retrying with backoff",
              node,
              cluster,
              e2.getCode() == 0 ? e2.getMessage() : "HTTP " + e2.getCode());
        }
      }
    }
    written.keySet().retainAll(served.keySet());
    if (failed && !closing) {
      failures++;
      if (queued.compareAndSet(false, true)) {
        thread.schedule(this::flush, backoff(failures).toMillis(), TimeUnit.MILLISECONDS);
      }
    } else {
      if (failures > 0) LOG.info("node={} node states written again", node);
      failures = 0;
    }
  }

  /** Exponential from {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF}, 50-100 % of it (jitter). */
  Duration backoff(int failures) {
    long cap = MAX_BACKOFF.toMillis();
    long base = Math.min(cap, FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 20));
    return Duration.ofMillis(base / 2 + jitter.nextLong(base / 2 + 1));
  }

  private void write(String cluster, RouterNodeStateStatus status) {
    String[] nsName = cluster.split("/", 2);
    String name = ConfigObjects.nodeStateName(nsName[0], nsName[1], node);
    String patch =
        "[{\"op\":\"add\",\"path\":\"/status\",\"value\":"
            + client.getKubernetesSerialization().asJson(status)
            + "}]";
    var resource = client.resources(RouterNodeState.class).inNamespace(namespace).withName(name);
    try {
      resource.status().patch(PatchContext.of(PatchType.JSON), patch);
      return;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) throw e;
    }
    RouterNodeState state = new RouterNodeState();
    state.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(
                Map.of(
                    ConfigObjects.NODE_LABEL,
                    node,
                    ConfigObjects.CLUSTER_ID_LABEL,
                    ConfigObjects.clusterId(nsName[0], nsName[1])))
            .build());
    state.setSpec(new RouterNodeStateSpec(cluster, node));
    state.setStatus(status);
    try {
      client.resource(state).create();
      LOG.info("node={} cluster={} node state {} created", node, cluster, name);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) throw e;
    }
    // A real server ignores status on create (status subresource): set it.
    resource.status().patch(PatchContext.of(PatchType.JSON), patch);
  }

  /**
   * Writes what changed once more (the handoff's last states), waiting at most {@code limit}, and
   * stops.
   */
  void close(Duration limit) {
    closing = true;
    queued.set(false);
    try {
      thread.execute(this::flush);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return;
    }
    thread.shutdown();
    try {
      if (!thread.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.info("node={} last node states not written within {}", node, limit);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed = true;
    thread.shutdownNow();
  }

  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
