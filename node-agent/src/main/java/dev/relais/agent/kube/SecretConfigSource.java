package dev.relais.agent.kube;

import dev.relais.agent.config.ConfigStore;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.render.AgentConfigs;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes mode's config source: lists and watches the rendered config Secrets that name this
 * node in the release namespace and applies every served cluster through {@link
 * ConfigStore.Applier} (the agent's one reconfiguration path, as a file change). fabric8's
 * callbacks only queue work; everything else, including the apply, runs on the one {@code
 * relais-kube-config} thread, and a burst of events becomes one apply of the latest state.
 */
final class SecretConfigSource implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecretConfigSource.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String node;
  private final Duration grace;
  private final Clock clock;
  private final AgentMetrics metrics;
  private final PersistedConfigs disk;
  private final ServedClusters served;
  private final Runnable onChange;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("relais-kube-config").daemon().unstarted(r));

  private ConfigStore.Applier applier;
  private SharedIndexInformer<Secret> informer;
  private boolean applyQueued;
  private boolean synced;
  private ScheduledFuture<?> expiry;
  private volatile Map<String, ServedClusters.ConfigStatus> status = Map.of();
  private volatile boolean closed;
  // Set on a failed list or watch, cleared by the next event: one WARN per outage.
  private final java.util.concurrent.atomic.AtomicBoolean unreachable =
      new java.util.concurrent.atomic.AtomicBoolean();

  SecretConfigSource(
      KubernetesClient client,
      String namespace,
      String node,
      PersistedConfigs disk,
      Duration grace,
      Clock clock,
      AgentMetrics metrics,
      Runnable onChange) {
    this.client = client;
    this.namespace = namespace;
    this.node = node;
    this.disk = disk;
    this.grace = grace;
    this.clock = clock;
    this.metrics = metrics;
    this.onChange = onChange;
    this.served = new ServedClusters(node, namespace);
  }

  /**
   * Starts listening: the saved configs, then the API's copies as soon as they are listed, waiting
   * at most {@code initialWait} for that list (so a restart with the API down starts from what it
   * saved). Nothing is applied before {@link #serve}.
   */
  void listen(Duration initialWait) throws InterruptedException {
    List<ServedClusters.Version> saved = disk.load();
    CompletableFuture<Void> restored = new CompletableFuture<>();
    thread.execute(
        () -> {
          saved.forEach(served::restore);
          restored.complete(null);
        });
    informer =
        client
            .secrets()
            .inNamespace(namespace)
            .withLabel(ConfigObjects.COMPONENT_LABEL, ConfigObjects.AGENT_CONFIG)
            .withLabel(ConfigObjects.nodeLabel(node), "true")
            .runnableInformer(0);
    informer.addEventHandler(new Events());
    // Keep retrying while the API is unreachable, before the first list too: the default gives up
    // on a failed first list, and the agent must pick the API up whenever it comes.
    informer.exceptionHandler(
        (started, t) -> {
          if (unreachable.compareAndSet(false, true)) {
            LOG.warn(
                "node={} cannot list or watch its configs ({}); the configs in force stay,"
                    + " retrying",
                node,
                t.toString());
          } else {
            LOG.debug("node={} config watch: {}; retrying", node, t.toString());
          }
          return true;
        });
    CompletableFuture<Void> listed = informer.start().toCompletableFuture();
    listed.thenRunAsync(this::onSynced, thread);
    try {
      listed.get(initialWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.warn(
          "node={} API not readable within {} ({}); starting from {} saved config(s) in {}",
          node,
          initialWait,
          e instanceof ExecutionException ? e.getCause().toString() : "no answer",
          saved.size(),
          disk.directory());
    }
    restored.join();
  }

  /**
   * Applies what {@link #listen} has (the API's copies if it listed them, else the saved ones)
   * through {@code applier}, and every change after; returns after the first apply.
   */
  void serve(ConfigStore.Applier applier) throws InterruptedException {
    CompletableFuture<Void> first = new CompletableFuture<>();
    thread.execute(
        () -> {
          this.applier = applier;
          applyNow();
          first.complete(null);
        });
    try {
      first.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("first apply failed", e.getCause());
    }
  }

  /** Per cluster (namespace/name): the revision in force and the config error; any thread. */
  Map<String, ServedClusters.ConfigStatus> status() {
    return status;
  }

  /** fabric8's informer thread: hand each event to the config thread and return. */
  private final class Events implements ResourceEventHandler<Secret> {
    @Override
    public void onAdd(Secret s) {
      unreachable.set(false);
      RenderedSecret r = RenderedSecret.of(s);
      thread.execute(() -> seen(r));
    }

    @Override
    public void onUpdate(Secret old, Secret s) {
      unreachable.set(false);
      RenderedSecret r = RenderedSecret.of(s);
      thread.execute(() -> seen(r));
    }

    @Override
    public void onDelete(Secret s, boolean finalStateUnknown) {
      unreachable.set(false);
      RenderedSecret r = RenderedSecret.of(s);
      thread.execute(() -> left(r));
    }
  }

  private void seen(RenderedSecret secret) {
    switch (served.seen(secret)) {
      case RETIRED -> {
        LOG.info(
            "node={} cluster={} config {} retired ({}); handing over",
            node,
            secret.cluster(),
            secret.name(),
            secret.retired() ? "the cluster is deleted" : "it no longer names this node");
        disk.delete(secret.name());
        queueApply();
      }
      case REFUSED -> {
        metrics.configRejected();
        LOG.error(
            "node={} cluster={} config {} (revision {}) refused, keeping the config in force: {}",
            node,
            secret.cluster(),
            secret.name(),
            secret.revision(),
            served.status().getOrDefault(secret.cluster(), NO_STATUS).error().orElse("?"));
        publish();
      }
      case OFFERED -> queueApply();
      case UNCHANGED -> publish();
    }
  }

  private static final ServedClusters.ConfigStatus NO_STATUS =
      new ServedClusters.ConfigStatus("", java.util.Optional.empty());

  /**
   * A Secret left the watch. Its last state may be the tombstone; else one read tells a Secret that
   * no longer names this node (explicit) from one that is gone (grace period).
   */
  private void left(RenderedSecret last) {
    if (last.retired()) {
      seen(last);
      return;
    }
    if (served.presence(last.name()).isEmpty()) return;
    Secret now;
    try {
      now = client.secrets().inNamespace(namespace).withName(last.name()).get();
    } catch (KubernetesClientException e) {
      LOG.debug("node={} reading config {} back failed: {}", node, last.name(), e.toString());
      now = null;
    }
    if (now != null) {
      RenderedSecret current = RenderedSecret.of(now);
      if (current.retired() || !named(current)) {
        seen(current);
        return;
      }
    }
    served.vanished(last.name(), clock.instant());
    LOG.warn(
        "node={} cluster={} config {} is gone from the API without the operator retiring it;"
            + " still serving it for {} (docs/design/kubernetes-mode.md)",
        node,
        last.cluster(),
        last.name(),
        grace);
    scheduleExpiry();
    publish();
  }

  /** Whether the Secret's document (if readable) names this node; unreadable counts as named. */
  private boolean named(RenderedSecret secret) {
    return secret
        .document()
        .map(text -> AgentConfigs.read(text, namespace))
        .map(
            r ->
                !(r instanceof AgentConfigs.Result.Ok ok)
                    || ok.clusters().stream().anyMatch(l -> l.model().node(node).isPresent()))
        .orElse(true);
  }

  /** After every (re)list: a saved config the API does not list is treated as gone. */
  private void onSynced() {
    if (!synced) LOG.info("node={} listed its rendered configs in {}", node, namespace);
    synced = true;
    for (String secret : served.unconfirmed()) {
      left(new RenderedSecret(secret, "", "", false, java.util.Optional.<String>empty()));
    }
  }

  private void scheduleExpiry() {
    if (expiry != null) expiry.cancel(false);
    served
        .nextExpiry(grace)
        .ifPresent(
            at -> {
              long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
              expiry = thread.schedule(this::expire, delay, TimeUnit.MILLISECONDS);
            });
  }

  private void expire() {
    Instant now = clock.instant();
    List<String> gone = served.expire(now, grace);
    for (String secret : gone) {
      LOG.warn(
          "node={} config {} gone from the API for {}: no longer serving it", node, secret, grace);
      disk.delete(secret);
    }
    if (!gone.isEmpty()) queueApply();
    scheduleExpiry();
  }

  private void queueApply() {
    if (applyQueued || closed) return;
    applyQueued = true;
    // Queued behind the events already waiting, so a burst is one apply of the latest state.
    thread.execute(this::applyNow);
  }

  private List<ServedClusters.Version> inForce = List.of();

  private void applyNow() {
    applyQueued = false;
    if (closed || applier == null) return; // before serve(): it applies the state then
    List<ServedClusters.Version> wanted = served.wanted();
    if (!wanted.equals(inForce)) {
      try {
        applier.apply(okOf(wanted));
        for (ServedClusters.Version v : served.applied()) {
          disk.save(v);
          LOG.info(
              "node={} cluster={} config revision {} applied ({})",
              node,
              v.cluster(),
              v.revision(),
              v.secret());
          if (!v.loaded().ignoredFields().isEmpty()) {
            LOG.warn(
                "node={} cluster={} config has fields this agent does not know and runs without"
                    + " (rendered by a newer operator?): {}",
                node,
                v.cluster(),
                v.loaded().ignoredFields());
          }
        }
        inForce = wanted;
      } catch (Exception e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        metrics.configRejected();
        LOG.error(
            "node={} config could not be applied; putting back the one in force: {}", node, reason);
        served.failed(ServedClusters.oneLine(String.valueOf(e.getMessage())));
        try {
          applier.apply(okOf(served.running()));
        } catch (Exception again) {
          LOG.error(
              "node={} the config in force could not be put back: {}", node, again.toString());
        }
        inForce = served.running();
      }
    }
    publish();
  }

  private static AgentConfigs.Result.Ok okOf(List<ServedClusters.Version> versions) {
    return new AgentConfigs.Result.Ok(
        versions.stream().map(ServedClusters.Version::loaded).toList());
  }

  private void publish() {
    Map<String, ServedClusters.ConfigStatus> next = Map.copyOf(served.status());
    if (!next.equals(status)) {
      status = next;
      onChange.run();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (informer != null) informer.close();
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
