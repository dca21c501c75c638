package dev.relais.operator.reconciler;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relais.api.v1alpha1.Condition;
import dev.relais.api.v1alpha1.ConditionStatus;
import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterNodeState;
import dev.relais.operator.Fixtures;
import dev.relais.operator.Fixtures.Report;
import dev.relais.operator.MockApi;
import dev.relais.operator.RelaisOperator;
import dev.relais.render.AgentConfig;
import dev.relais.render.AgentConfigRenderer;
import dev.relais.render.AgentConfigs;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real JOSDK Operator against fabric8's mock API server in CRUD mode. */
class RouterClusterOperatorIT {
  static final String RELEASE = "relais-system";
  static final String NS = "edge";
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  MockApi api;
  KubernetesClient client;
  RelaisOperator operator;

  @BeforeEach
  void start() {
    api = new MockApi();
    client = api.client();
    operator =
        new RelaisOperator(
            client, new OperatorSettings(RELEASE, Set.of(), Clock.systemUTC()), Optional.empty());
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.close();
    api.close();
  }

  void apply(RouterCluster rc) {
    client
        .resource(
            Fixtures.authSecret(NS, rc.getSpec().authSecretRef.name, Map.of("1", Fixtures.KEY_1)))
        .create();
    client.resource(rc).create();
  }

  Secret rendered(String name) {
    return client
        .secrets()
        .inNamespace(RELEASE)
        .withName(ConfigObjects.configSecretName(NS, name))
        .get();
  }

  static String document(Secret s) {
    return new String(
        Base64.getDecoder().decode(s.getData().get(ConfigObjects.CONFIG_KEY)),
        StandardCharsets.UTF_8);
  }

  static String revision(Secret s) {
    return s.getMetadata().getAnnotations().get(ConfigObjects.REVISION_ANNOTATION);
  }

  RouterCluster cluster(String name) {
    return client.resources(RouterCluster.class).inNamespace(NS).withName(name).get();
  }

  /** A user's edit: kubectl retries on 409 too (the operator writes status meanwhile). */
  void edit(String name, java.util.function.UnaryOperator<RouterCluster> change) {
    await()
        .atMost(ofSeconds(10))
        .ignoreException(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () ->
                client.resources(RouterCluster.class).inNamespace(NS).withName(name).edit(change)
                    != null);
  }

  Condition condition(String name, String type) {
    RouterCluster rc = cluster(name);
    if (rc == null || rc.getStatus() == null) return new Condition();
    return rc.getStatus().conditions.stream()
        .filter(c -> type.equals(c.type))
        .findFirst()
        .orElse(new Condition());
  }

  List<Event> events(String name, String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .toList();
  }

  void report(RouterNodeState state) {
    client.resource(state).createOr(op -> op.update());
    client.resource(state).updateStatus();
  }

  Report report(String node, String revision) {
    return new Report(RELEASE, NS, "tutorial", node).revision(revision);
  }

  @Test
  void aCreatedClusterIsRenderedExactlyAsTheRendererRendersIt() {
    RouterCluster rc = Fixtures.tutorial(NS, "tutorial");
    apply(rc);
    await().atMost(ofSeconds(10)).until(() -> rendered("tutorial") != null);
    Secret s = rendered("tutorial");
    RouterCluster stored = cluster("tutorial");
    var expected =
        AgentConfigRenderer.render(
            stored, client.secrets().inNamespace(NS).withName("tutorial-auth").get());
    assertThat(expected).isInstanceOf(AgentConfigRenderer.Rendered.Ok.class);
    assertThat(document(s))
        .isEqualTo(AgentConfigs.toYaml(((AgentConfigRenderer.Rendered.Ok) expected).config()));
    assertThat(s.getMetadata().getLabels())
        .containsEntry(ConfigObjects.nodeLabel("maitre"), "true")
        .containsEntry(ConfigObjects.nodeLabel("esclave"), "true");
    assertThat(s.getMetadata().getAnnotations())
        .containsEntry(ConfigObjects.CLUSTER_ANNOTATION, NS + "/tutorial");
    await()
        .atMost(ofSeconds(10))
        .until(
            () ->
                cluster("tutorial").getStatus() != null
                    && revision(s).equals(cluster("tutorial").getStatus().configRevision));
    // Key material only in the rendered Secret: not in status, not in events.
    String status = client.getKubernetesSerialization().asJson(cluster("tutorial").getStatus());
    assertThat(status)
        .doesNotContain(Fixtures.KEY_1)
        .doesNotContain(
            Base64.getEncoder().encodeToString(Fixtures.KEY_1.getBytes(StandardCharsets.UTF_8)));
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(Fixtures.KEY_1));
  }

  @Test
  void aTimingEditIsReRenderedWithANewRevisionWithinASecond() {
    apply(Fixtures.tutorial(NS, "tutorial"));
    await().atMost(ofSeconds(10)).until(() -> rendered("tutorial") != null);
    String before = revision(rendered("tutorial"));
    long t = System.nanoTime();
    edit(
        "tutorial",
        rc -> {
          rc.getSpec().heartbeat = new dev.relais.api.v1alpha1.HeartbeatSpec();
          rc.getSpec().heartbeat.keepaliveMs = 500;
          rc.getSpec().heartbeat.deadTimeMs = 2000;
          return rc;
        });
    await().atMost(ofSeconds(1)).until(() -> !revision(rendered("tutorial")).equals(before));
    System.out.printf("spec edit -> re-rendered in %d ms%n", (System.nanoTime() - t) / 1_000_000);
    assertThat(document(rendered("tutorial"))).contains("keepaliveMs: 500");
  }

  @Test
  void aMissingSecretIsAConditionClearedWhenTheSecretAppears() {
    client.resource(Fixtures.tutorial(NS, "tutorial")).create();
    await()
        .atMost(ofSeconds(10))
        .until(() -> "AuthSecretNotFound".equals(condition("tutorial", "ConfigInvalid").reason));
    assertThat(condition("tutorial", "ConfigInvalid").message)
        .contains("tutorial-auth", "does not exist");
    assertThat(rendered("tutorial")).isNull();
    Secret unlabelled = Fixtures.authSecret(NS, "tutorial-auth", Map.of("1", Fixtures.KEY_1));
    unlabelled.getMetadata().setLabels(Map.of());
    client.resource(unlabelled).create();
    // Nothing watches unlabelled Secrets: the next reconcile (here: a label on the cluster) says
    // so.
    edit(
        "tutorial",
        rc -> {
          rc.getSpec().heartbeat = new dev.relais.api.v1alpha1.HeartbeatSpec();
          return rc;
        });
    await()
        .atMost(ofSeconds(10))
        .until(() -> "AuthSecretNotLabelled".equals(condition("tutorial", "ConfigInvalid").reason));
    assertThat(condition("tutorial", "ConfigInvalid").message)
        .contains(ConfigObjects.AUTH_LABEL + "=true");
    client
        .secrets()
        .inNamespace(NS)
        .withName("tutorial-auth")
        .edit(
            s -> {
              s.getMetadata().setLabels(Map.of(ConfigObjects.AUTH_LABEL, "true"));
              return s;
            });
    await()
        .atMost(ofSeconds(10))
        .until(
            () ->
                rendered("tutorial") != null
                    && condition("tutorial", "ConfigInvalid").status == ConditionStatus.False);
  }

  @Test
  void anInvalidSpecIsConfigInvalidAndLeavesTheRenderedConfigByteForByte() {
    apply(Fixtures.tutorial(NS, "tutorial"));
    await().atMost(ofSeconds(10)).until(() -> rendered("tutorial") != null);
    Secret before = rendered("tutorial");
    edit(
        "tutorial",
        rc -> {
          rc.getSpec().nodes.getFirst().priority = 900;
          return rc;
        });
    await()
        .atMost(ofSeconds(10))
        .until(() -> condition("tutorial", "ConfigInvalid").status == ConditionStatus.True);
    assertThat(condition("tutorial", "ConfigInvalid").message)
        .contains("spec.nodes[0].priority", "between 1 and 255");
    assertThat(condition("tutorial", "Stalled").status).isEqualTo(ConditionStatus.True);
    await().atMost(ofSeconds(10)).until(() -> !events("tutorial", "SpecInvalid").isEmpty());
    assertThat(events("tutorial", "SpecInvalid").getFirst().getType()).isEqualTo("Warning");
    Secret after = rendered("tutorial");
    assertThat(after.getData()).isEqualTo(before.getData());
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
  }

  @Test
  void deletingTheClusterRemovesItsRenderedConfigAndNodeStates() {
    apply(Fixtures.tutorial(NS, "tutorial"));
    await().atMost(ofSeconds(10)).until(() -> rendered("tutorial") != null);
    report(report("maitre", "x").at(T0).master("gateway", 1).build());
    report(report("esclave", "x").at(T0).backup("gateway", 1).build());
    client.resources(RouterCluster.class).inNamespace(NS).withName("tutorial").delete();
    await()
        .atMost(ofSeconds(10))
        .until(
            () ->
                rendered("tutorial") == null
                    && client
                        .resources(RouterNodeState.class)
                        .inNamespace(RELEASE)
                        .list()
                        .getItems()
                        .isEmpty()
                    && cluster("tutorial") == null);
  }

  @Test
  void nodeStatesOfANodeRemovedFromTheSpecAreSwept() {
    RouterCluster rc = Fixtures.tutorial(NS, "tutorial");
    rc.getSpec().nodes.add(new NodeSpec("tiers", 50, List.of("192.168.200.13")));
    apply(rc);
    await().atMost(ofSeconds(10)).until(() -> rendered("tutorial") != null);
    report(new Report(RELEASE, NS, "tutorial", "tiers").at(T0).build());
    edit(
        "tutorial",
        c -> {
          c.getSpec().nodes = List.of(c.getSpec().nodes.get(0), c.getSpec().nodes.get(1));
          return c;
        });
    await()
        .atMost(ofSeconds(10))
        .until(
            () ->
                client
                        .resources(RouterNodeState.class)
                        .inNamespace(RELEASE)
                        .withName(ConfigObjects.nodeStateName(NS, "tutorial", "tiers"))
                        .get()
                    == null);
    // The sweep comes first in a reconcile, the re-render right after it.
    await()
        .atMost(ofSeconds(10))
        .until(
            () ->
                !rendered("tutorial")
                    .getMetadata()
                    .getLabels()
                    .containsKey(ConfigObjects.nodeLabel("tiers")));
  }

  @Test
  void nodeStatesBecomeStatusAndAStaleOwnerIsSupersededByAMeasuredFailover() {
    apply(Fixtures.tutorial(NS, "tutorial"));
    await().atMost(ofSeconds(10)).until(() -> rendered("tutorial") != null);
    String rev = revision(rendered("tutorial"));
    report(report("maitre", rev).at(T0).master("gateway", 3).peer("esclave", true, T0).build());
    report(report("esclave", rev).at(T0).backup("gateway", 3).peer("maitre", true, T0).build());
    await()
        .atMost(ofSeconds(10))
        .until(
            () ->
                "maitre".equals(cluster("tutorial").getStatus().activeNode)
                    && condition("tutorial", "Ready").status == ConditionStatus.True);
    // The stored status equals what the aggregator computes (arrays replaced, not concatenated).
    RouterCluster stored = cluster("tutorial");
    assertThat(stored.getStatus().nodes).hasSize(2);
    assertThat(stored.getStatus().vipGroups).hasSize(1);
    assertThat(stored.getStatus().conditions).extracting(c -> c.type).doesNotHaveDuplicates();
    // Recomputed from what is stored, the status is the same: nothing left to write.
    var recomputed =
        dev.relais.operator.status.StatusAggregator.aggregate(
            stored,
            client.resources(RouterNodeState.class).inNamespace(RELEASE).list().getItems(),
            dev.relais.operator.status.ConfigHealth.rendered(rev),
            Clock.systemUTC());
    assertThat(RouterClusterReconciler.sameStatus(stored.getStatus(), recomputed.status()))
        .isTrue();
    assertThat(recomputed.events()).isEmpty();
    Instant lastHeard = T0.plusSeconds(30);
    report(
        report("esclave", rev)
            .at(lastHeard.plusSeconds(10))
            .master("gateway", 4)
            .peer("maitre", false, lastHeard)
            .tookOver("gateway", "maitre", "PeerDead", 812, lastHeard.plusSeconds(10))
            .build());
    await()
        .atMost(ofSeconds(10))
        .until(() -> "esclave".equals(cluster("tutorial").getStatus().activeNode));
    await().atMost(ofSeconds(10)).until(() -> !events("tutorial", "Failover").isEmpty());
    assertThat(events("tutorial", "Failover").getFirst().getMessage())
        .contains("maitre → esclave", "PeerDead", "812 ms");
    assertThat(cluster("tutorial").getStatus().lastFailover.durationMs).isEqualTo(812);
    assertThat(condition("tutorial", "Degraded").status).isEqualTo(ConditionStatus.True);
    assertThat(condition("tutorial", "Ready").status).isEqualTo(ConditionStatus.True);
    assertThat(condition("tutorial", "SplitBrain").status).isEqualTo(ConditionStatus.False);
  }

  @Test
  void bothClaimingAndEachReportingTheOtherUnreachableIsSplitBrainNotAFailover() {
    apply(Fixtures.tutorial(NS, "tutorial"));
    await().atMost(ofSeconds(10)).until(() -> rendered("tutorial") != null);
    String rev = revision(rendered("tutorial"));
    report(report("maitre", rev).at(T0).master("gateway", 3).build());
    report(report("esclave", rev).at(T0).backup("gateway", 3).build());
    await()
        .atMost(ofSeconds(10))
        .until(() -> "maitre".equals(cluster("tutorial").getStatus().activeNode));
    Instant cut = T0.plusSeconds(30);
    report(
        report("maitre", rev)
            .at(cut.plusSeconds(10))
            .master("gateway", 3)
            .peer("esclave", false, cut)
            .build());
    report(
        report("esclave", rev)
            .at(cut.plusSeconds(10))
            .master("gateway", 4)
            .peer("maitre", false, cut)
            .build());
    await()
        .atMost(ofSeconds(10))
        .until(() -> condition("tutorial", "SplitBrain").status == ConditionStatus.True);
    await().atMost(ofSeconds(10)).until(() -> !events("tutorial", "SplitBrain").isEmpty());
    assertThat(events("tutorial", "Failover")).isEmpty();
    assertThat(condition("tutorial", "Ready").reason).isEqualTo("SplitBrain");
  }

  @Test
  void aKeyRotationReachesEveryNodeBeforeTheNewKeySigns() {
    apply(Fixtures.tutorial(NS, "tutorial"));
    await().atMost(ofSeconds(10)).until(() -> rendered("tutorial") != null);
    String rev1 = revision(rendered("tutorial"));
    report(report("maitre", rev1).at(T0).master("gateway", 1).build());
    report(report("esclave", rev1).at(T0).backup("gateway", 1).build());
    client
        .secrets()
        .inNamespace(NS)
        .withName("tutorial-auth")
        .edit(
            s -> {
              s.getData()
                  .put(
                      "2",
                      Base64.getEncoder()
                          .encodeToString(Fixtures.KEY_2.getBytes(StandardCharsets.UTF_8)));
              return s;
            });
    edit(
        "tutorial",
        rc -> {
          rc.getSpec().authSecretRef.activeKeyId = "2";
          return rc;
        });
    // Stage 1: both keys, still signed with 1, until every reachable node runs it. (The Secret
    // edit alone may render once before the spec edit arrives: wait for the staged revision.)
    await()
        .atMost(ofSeconds(10))
        .until(
            () ->
                "KeyRotationStaged".equals(condition("tutorial", "Reconciling").reason)
                    && revision(rendered("tutorial"))
                        .equals(cluster("tutorial").getStatus().configRevision));
    String staged = revision(rendered("tutorial"));
    assertThat(staged).isNotEqualTo(rev1);
    AgentConfig.Keys keys = keysOf(rendered("tutorial"));
    assertThat(keys.activeKeyId()).isEqualTo("1");
    assertThat(keys.keys()).containsOnlyKeys("1", "2");
    assertThat(condition("tutorial", "Reconciling").message).contains("esclave", "maitre");
    report(report("maitre", staged).at(T0.plusSeconds(1)).master("gateway", 1).build());
    assertThat(keysOf(rendered("tutorial")).activeKeyId()).isEqualTo("1");
    report(report("esclave", staged).at(T0.plusSeconds(1)).backup("gateway", 1).build());
    // Stage 2: every node holds key 2, so it may sign now.
    await()
        .atMost(ofSeconds(10))
        .until(() -> "2".equals(keysOf(rendered("tutorial")).activeKeyId()));
    assertThat(revision(rendered("tutorial"))).isNotEqualTo(staged);
  }

  AgentConfig.Keys keysOf(Secret s) {
    var read = (AgentConfigs.Result.Ok) AgentConfigs.read(document(s), NS);
    var loaded = read.clusters().getFirst();
    return new AgentConfig.Keys(
        loaded.activeKeyId(),
        Map.copyOf(
            loaded.keys().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> "x"))));
  }

  @Test
  void aNodeLabelledStandbyIsInStandbyInTheRenderedConfig() {
    client
        .resource(new NodeBuilder().withNewMetadata().withName("maitre").endMetadata().build())
        .create();
    apply(Fixtures.tutorial(NS, "tutorial"));
    await().atMost(ofSeconds(10)).until(() -> rendered("tutorial") != null);
    assertThat(document(rendered("tutorial"))).doesNotContain("standby");
    client
        .nodes()
        .withName("maitre")
        .edit(
            n -> {
              n.getMetadata().setLabels(Map.of(ConfigObjects.STANDBY_NODE_LABEL, "true"));
              return n;
            });
    await()
        .atMost(ofSeconds(10))
        .until(() -> document(rendered("tutorial")).contains("standby:\n  - \"maitre\""));
    assertThat(cluster("tutorial").getSpec().standby).isNull();
    client
        .nodes()
        .withName("maitre")
        .edit(
            n -> {
              n.getMetadata().setLabels(Map.of());
              return n;
            });
    await().atMost(ofSeconds(10)).until(() -> !document(rendered("tutorial")).contains("standby"));
  }

  @Test
  void twoClustersClaimingTheSameVipGetAConflictOnBothAndTheYoungerIsHeld() {
    apply(Fixtures.tutorial(NS, "tutorial"));
    await().atMost(ofSeconds(10)).until(() -> rendered("tutorial") != null);
    RouterCluster copy = Fixtures.tutorial(NS, "copy");
    copy.getSpec().nodes =
        List.of(
            new NodeSpec("r1", 100, List.of("10.0.0.1")),
            new NodeSpec("r2", 100, List.of("10.0.0.2")));
    copy.getSpec().vipGroups.getFirst().preferredNode = "r1";
    apply(copy);
    await()
        .atMost(ofSeconds(10))
        .until(
            () ->
                condition("copy", "Conflict").status == ConditionStatus.True
                    && condition("tutorial", "Conflict").status == ConditionStatus.True);
    assertThat(condition("copy", "Conflict").reason).isEqualTo("ConflictHeld");
    assertThat(condition("copy", "Conflict").message)
        .contains("edge/tutorial", "VIP 192.168.200.10");
    assertThat(condition("tutorial", "Conflict").reason).isEqualTo("ConflictWithYounger");
    assertThat(rendered("copy")).isNull();
    client.resources(RouterCluster.class).inNamespace(NS).withName("copy").delete();
    await()
        .atMost(ofSeconds(10))
        .until(() -> condition("tutorial", "Conflict").status == ConditionStatus.False);
  }

  @Test
  void probesAndMetricsAreServed() throws Exception {
    apply(Fixtures.tutorial(NS, "tutorial"));
    await().atMost(ofSeconds(10)).until(() -> rendered("tutorial") != null);
    try (var endpoints =
            dev.relais.operator.observe.OperatorEndpoints.start(
                new java.net.InetSocketAddress("127.0.0.1", 0),
                operator::scrape,
                operator::healthy,
                operator::started);
        var http = java.net.http.HttpClient.newHttpClient()) {
      String base = "http://127.0.0.1:" + endpoints.address().getPort();
      for (String probe : List.of("/healthz", "/readyz")) {
        var r =
            http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + probe)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(probe).isEqualTo(200);
      }
      await()
          .atMost(ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          http.send(
                                  java.net.http.HttpRequest.newBuilder(
                                          java.net.URI.create(base + "/metrics"))
                                      .build(),
                                  java.net.http.HttpResponse.BodyHandlers.ofString())
                              .body())
                      .contains(
                          "relais_operator_clusters{condition=\"ConfigInvalid\",status=\"False\"} 1.0")
                      .contains("operator_sdk_reconciliations_started_total")
                      .doesNotContain(Fixtures.KEY_1));
    }
  }
}
