package dev.relais.operator.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.RouterClusterStatus;
import dev.relais.api.v1alpha1.RouterNodeState;
import dev.relais.operator.config.ConfigPlanner;
import dev.relais.operator.observe.OperatorMetrics;
import dev.relais.operator.status.ClusterEvent;
import dev.relais.operator.status.StatusAggregator;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires I/O to the pure parts: reads the cluster, its auth Secret, the Nodes' standby labels, its
 * rendered config and node states from informer caches; {@link ConfigPlanner} decides what agents
 * run, {@link StatusAggregator} what status says; this writes the differences. Never on the
 * failover path: agents keep running their last config whatever happens here.
 */
public final class RouterClusterReconciler
    implements Reconciler<RouterCluster>, Cleaner<RouterCluster> {
  private static final Logger LOG = LoggerFactory.getLogger(RouterClusterReconciler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String AUTH_INDEX = "auth-secret";
  static final String NODE_INDEX = "node";
  static final String CLUSTER_INDEX = "cluster";

  private final OperatorSettings settings;
  private final OperatorMetrics metrics;
  private final SecureRandom random = new SecureRandom();
  private final ConflictTracker conflicts = new ConflictTracker(this::published);
  private IndexerResourceCache<RouterCluster> primaries;
  private InformerEventSource<Secret, RouterCluster> rendered;
  private InformerEventSource<Secret, RouterCluster> authSecrets;
  private InformerEventSource<RouterNodeState, RouterCluster> nodeStates;
  private InformerEventSource<Node, RouterCluster> standbyNodes;

  public RouterClusterReconciler(OperatorSettings settings, OperatorMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, RouterCluster>> prepareEventSources(
      EventSourceContext<RouterCluster> context) {
    primaries = context.getPrimaryCache();
    primaries.addIndexer(
        AUTH_INDEX,
        rc ->
            rc.getSpec() == null || rc.getSpec().authSecretRef == null
                ? List.of()
                : List.of(rc.getMetadata().getNamespace() + "/" + rc.getSpec().authSecretRef.name));
    primaries.addIndexer(
        NODE_INDEX,
        rc ->
            rc.getSpec() == null || rc.getSpec().nodes == null
                ? List.of()
                : rc.getSpec().nodes.stream()
                    .map(n -> n.name)
                    .filter(Objects::nonNull)
                    .distinct()
                    .toList());
    rendered =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, RouterCluster.class)
                .withName("rendered-configs")
                .withNamespaces(Set.of(settings.releaseNamespace()))
                .withLabelSelector(ConfigObjects.COMPONENT_LABEL + "=" + ConfigObjects.AGENT_CONFIG)
                .withSecondaryToPrimaryMapper(s -> fromAnnotation(s.getMetadata().getAnnotations()))
                .build(),
            context);
    nodeStates =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(RouterNodeState.class, RouterCluster.class)
                .withName("node-states")
                .withNamespaces(Set.of(settings.releaseNamespace()))
                .withSecondaryToPrimaryMapper(
                    s -> s.getSpec() == null ? Set.of() : parse(s.getSpec().cluster))
                .build(),
            context);
    nodeStates.addIndexer(
        CLUSTER_INDEX,
        s ->
            s.getSpec() == null || s.getSpec().cluster == null
                ? List.of()
                : List.of(s.getSpec().cluster));
    var auth =
        InformerEventSourceConfiguration.from(Secret.class, RouterCluster.class)
            .withName("auth-secrets")
            .withLabelSelector(ConfigObjects.AUTH_LABEL + "=true")
            .withSecondaryToPrimaryMapper(
                s ->
                    ids(
                        primaries.byIndex(
                            AUTH_INDEX,
                            s.getMetadata().getNamespace() + "/" + s.getMetadata().getName())));
    authSecrets =
        new InformerEventSource<>(
            (settings.watchedNamespaces().isEmpty()
                    ? auth.withWatchAllNamespaces()
                    : auth.withNamespaces(settings.watchedNamespaces()))
                .build(),
            context);
    standbyNodes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Node.class, RouterCluster.class)
                .withName("standby-nodes")
                .withWatchAllNamespaces()
                .withLabelSelector(ConfigObjects.STANDBY_NODE_LABEL)
                .withSecondaryToPrimaryMapper(
                    n -> ids(primaries.byIndex(NODE_INDEX, n.getMetadata().getName())))
                .build(),
            context);
    return List.of(
        rendered, nodeStates, authSecrets, standbyNodes, conflicts.eventSource(primaries));
  }

  @Override
  public UpdateControl<RouterCluster> reconcile(
      RouterCluster cluster, Context<RouterCluster> context) {
    String ns = cluster.getMetadata().getNamespace();
    String name = cluster.getMetadata().getName();
    String id = ns + "/" + name;
    KubernetesClient client = context.getClient();
    EventRecorder events = new EventRecorder(client, settings.clock());
    if (cluster.getSpec() == null) cluster.setSpec(new RouterClusterSpec());
    List<RouterNodeState> states = statesOf(id);
    Set<String> listed =
        cluster.getSpec().nodes == null
            ? Set.of()
            : cluster.getSpec().nodes.stream().map(n -> n.name).collect(Collectors.toSet());
    sweep(client, states.stream().filter(s -> !listed.contains(s.getSpec().node)).toList());
    states = states.stream().filter(s -> listed.contains(s.getSpec().node)).toList();

    String secretName = ConfigObjects.configSecretName(ns, name);
    Secret current =
        rendered.get(new ResourceID(secretName, settings.releaseNamespace())).orElse(null);
    ConfigPlanner.Plan plan =
        ConfigPlanner.plan(
            cluster,
            authLookup(client, cluster),
            standby(cluster),
            PublishedConfigs.read(current),
            StatusAggregator.reachableRevisions(cluster, states),
            conflicts.conflicts(id, cluster),
            salt());
    boolean wrote = plan.publish().map(p -> publish(client, cluster, current, p)).orElse(false);

    StatusAggregator.Aggregate aggregate =
        StatusAggregator.aggregate(cluster, states, plan.health(), settings.clock());
    boolean statusChanged = !sameStatus(cluster.getStatus(), aggregate.status());
    if (statusChanged) writeStatus(client, cluster, aggregate.status());
    plan.events().forEach(e -> events.record(cluster, e));
    aggregate.events().forEach(e -> events.record(cluster, e));
    aggregate.failovers().forEach(f -> metrics.failover(id, f.reason));
    metrics.conditions(id, aggregate.status().conditions);
    if (wrote || statusChanged || !plan.events().isEmpty() || !aggregate.events().isEmpty()) {
      LOG.info(
          "cluster={} revision={} rendered={} status={} active={} ready={} events={}",
          id,
          plan.health().targetRevision(),
          wrote,
          statusChanged ? "updated" : "unchanged",
          aggregate.status().activeNode,
          readiness(aggregate.status()),
          java.util.stream.Stream.concat(plan.events().stream(), aggregate.events().stream())
              .map(ClusterEvent::reason)
              .toList());
    }
    UpdateControl<RouterCluster> control = UpdateControl.noUpdate();
    aggregate.recheckAfter().ifPresent(control::rescheduleAfter);
    return control;
  }

  @Override
  public DeleteControl cleanup(RouterCluster cluster, Context<RouterCluster> context) {
    String ns = cluster.getMetadata().getNamespace();
    String name = cluster.getMetadata().getName();
    KubernetesClient client = context.getClient();
    var rendered =
        client
            .secrets()
            .inNamespace(settings.releaseNamespace())
            .withName(ConfigObjects.configSecretName(ns, name));
    retire(rendered);
    rendered.delete();
    sweep(client, statesOf(ns + "/" + name));
    conflicts.deleted(ns + "/" + name);
    metrics.forget(ns + "/" + name);
    LOG.info("cluster={}/{} deleted: rendered config and node states removed", ns, name);
    return DeleteControl.defaultDelete();
  }

  /**
   * Marks the rendered Secret retired before deleting it: agents drop a cluster at once only on
   * this tombstone, and keep serving one whose Secret merely vanished (a hand delete) for a grace
   * period. A merge patch of one annotation means the same on the mock and a real server.
   */
  private void retire(Resource<Secret> rendered) {
    String patch =
        "{\"metadata\":{\"annotations\":{\""
            + ConfigObjects.RETIRED_ANNOTATION
            + "\":\""
            + settings.clock().instant()
            + "\"}}}";
    try {
      rendered.patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) throw e;
    }
  }

  private List<RouterNodeState> statesOf(String id) {
    return nodeStates.byIndex(CLUSTER_INDEX, id);
  }

  private void sweep(KubernetesClient client, List<RouterNodeState> stale) {
    for (RouterNodeState s : stale) {
      client
          .resources(RouterNodeState.class)
          .inNamespace(s.getMetadata().getNamespace())
          .withName(s.getMetadata().getName())
          .delete();
    }
  }

  private ConfigPlanner.AuthLookup authLookup(KubernetesClient client, RouterCluster cluster) {
    if (cluster.getSpec().authSecretRef == null || cluster.getSpec().authSecretRef.name == null) {
      return new ConfigPlanner.AuthLookup.Missing();
    }
    String ns = cluster.getMetadata().getNamespace();
    String ref = cluster.getSpec().authSecretRef.name;
    var cached = authSecrets.get(new ResourceID(ref, ns));
    if (cached.isPresent()) return new ConfigPlanner.AuthLookup.Found(cached.get());
    // Only on a miss: one GET tells "absent" from "not labelled", so the condition can say which.
    Secret direct = client.secrets().inNamespace(ns).withName(ref).get();
    return direct == null
        ? new ConfigPlanner.AuthLookup.Missing()
        : new ConfigPlanner.AuthLookup.Unlabelled();
  }

  private Set<String> standby(RouterCluster cluster) {
    Set<String> out = new HashSet<>();
    for (NodeSpec n : Objects.requireNonNullElse(cluster.getSpec().nodes, List.<NodeSpec>of())) {
      if (n.name != null && standbyNodes.get(new ResourceID(n.name)).isPresent()) out.add(n.name);
    }
    return out;
  }

  private boolean publish(
      KubernetesClient client, RouterCluster cluster, Secret current, ConfigPlanner.Publish p) {
    Secret desired = PublishedConfigs.secret(cluster, settings.releaseNamespace(), p);
    if (current != null && PublishedConfigs.same(current, desired)) return false;
    Secret written;
    if (current == null) {
      written =
          client.secrets().inNamespace(settings.releaseNamespace()).resource(desired).create();
      rendered.handleRecentResourceCreate(ResourceID.fromResource(cluster), written);
    } else {
      desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
      written =
          client.secrets().inNamespace(settings.releaseNamespace()).resource(desired).update();
      rendered.handleRecentResourceUpdate(ResourceID.fromResource(cluster), written, current);
    }
    return true;
  }

  /**
   * PUT /status with the cached resourceVersion (one request; a real server answers 409 when it is
   * stale, and JOSDK retries). Never a merge patch: the mock concatenates arrays there.
   */
  private void writeStatus(
      KubernetesClient client, RouterCluster cluster, RouterClusterStatus status) {
    RouterCluster copy = new RouterCluster();
    copy.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(cluster.getMetadata().getName())
            .withNamespace(cluster.getMetadata().getNamespace())
            .withResourceVersion(cluster.getMetadata().getResourceVersion())
            .build());
    copy.setSpec(cluster.getSpec());
    copy.setStatus(status);
    try {
      client
          .resources(RouterCluster.class)
          .inNamespace(cluster.getMetadata().getNamespace())
          .resource(copy)
          .updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) throw e;
      client
          .resources(RouterCluster.class)
          .inNamespace(cluster.getMetadata().getNamespace())
          .withName(cluster.getMetadata().getName())
          .editStatus(
              rc -> {
                rc.setStatus(status);
                return rc;
              });
    }
  }

  static boolean sameStatus(RouterClusterStatus stored, RouterClusterStatus computed) {
    return JSON.valueToTree(Objects.requireNonNullElseGet(stored, RouterClusterStatus::new))
        .equals(JSON.valueToTree(computed));
  }

  private static String readiness(RouterClusterStatus status) {
    return status.conditions.stream()
        .filter(c -> "Ready".equals(c.type))
        .map(c -> c.status + "/" + c.reason)
        .findFirst()
        .orElse("-");
  }

  private byte[] salt() {
    byte[] salt = new byte[32];
    random.nextBytes(salt);
    return salt;
  }

  private boolean published(String id) {
    ResourceID cluster = parse(id).iterator().next();
    String name =
        ConfigObjects.configSecretName(cluster.getNamespace().orElseThrow(), cluster.getName());
    return rendered.get(new ResourceID(name, settings.releaseNamespace())).isPresent();
  }

  private static Set<ResourceID> fromAnnotation(Map<String, String> annotations) {
    return annotations == null
        ? Set.of()
        : parse(annotations.get(ConfigObjects.CLUSTER_ANNOTATION));
  }

  private static Set<ResourceID> parse(String id) {
    if (id == null || id.indexOf('/') < 0) return Set.of();
    return Set.of(
        new ResourceID(id.substring(id.indexOf('/') + 1), id.substring(0, id.indexOf('/'))));
  }

  private static Set<ResourceID> ids(List<RouterCluster> clusters) {
    return clusters.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }
}
