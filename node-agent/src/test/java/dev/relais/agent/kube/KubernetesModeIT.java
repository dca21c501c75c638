package dev.relais.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relais.agent.dataplane.FakeDataplane;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.protocol.GroupRole;
import dev.relais.agent.protocol.StateSnapshot;
import dev.relais.agent.runtime.Agent;
import dev.relais.agent.transport.EventLoops;
import dev.relais.api.v1alpha1.NodeState;
import dev.relais.api.v1alpha1.RouterNodeState;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes mode end to end against fabric8's mock API server: real agents (netty UDP over
 * loopback, fake data planes) serve the rendered Secrets and write their RouterNodeStates.
 */
class KubernetesModeIT {
  static final String NS = "edge";
  static final String CLUSTER = NS + "/loop";
  private static final AtomicInteger PORTS =
      new AtomicInteger(20_000 + (int) (ProcessHandle.current().pid() % 15_000));

  static final String MANIFESTS =
      """
      apiVersion: v1
      kind: Secret
      metadata: {name: auth, namespace: edge}
      stringData: {"1": "loopback-test-key-0123456789"}
      ---
      apiVersion: relais.dev/v1alpha1
      kind: RouterCluster
      metadata: {name: loop, namespace: edge, generation: %d}
      spec:
        nodes:
          - {name: maitre, priority: 200, addresses: ["127.0.0.1"]}
          - {name: esclave, priority: 100, addresses: ["127.0.0.2"]}
        vipGroups:
          - name: gateway
            preferredNode: maitre
            addresses: [{address: 192.0.2.10/24, interface: lo0, label: "lo0:0"}]
        authSecretRef: {name: auth, activeKeyId: "1"}
        heartbeat: {keepaliveMs: %d, deadTimeMs: 300, initDeadMs: 1000, port: %d}
      """;

  @TempDir Path tmp;
  MockKube api;
  int port;
  final Map<String, Running> running = new HashMap<>();

  /** One agent in Kubernetes mode. */
  record Running(Agent agent, FakeDataplane net, KubernetesMode mode, EventLoopGroup loop) {
    void stop() {
      mode.stopWatching();
      agent.shutdown(Duration.ofSeconds(2));
      mode.close();
      loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @BeforeEach
  void start() {
    api = new MockKube();
    port = PORTS.getAndAdd(7);
  }

  @AfterEach
  void stop() {
    running.values().forEach(Running::stop);
    api.close();
  }

  Secret secret(int generation, int keepaliveMs) {
    return MockKube.rendered(MANIFESTS.formatted(generation, keepaliveMs, port));
  }

  void publish(Secret s) {
    api.admin().resource(s).createOr(op -> op.update());
  }

  Running agent(String node, KubernetesClient client, Duration initialWait) throws Exception {
    EventLoopGroup loop = EventLoops.single("test-" + node);
    FakeDataplane net = new FakeDataplane(e -> {});
    AgentMetrics metrics = new AgentMetrics();
    Agent agent =
        new Agent(node, loop.next(), System::nanoTime, net, metrics, System.currentTimeMillis());
    KubernetesMode mode =
        KubernetesMode.using(
            client,
            new KubernetesMode.Settings(
                node,
                MockKube.RELEASE,
                Optional.empty(),
                tmp.resolve(node),
                Duration.ofHours(24),
                initialWait,
                "test"),
            metrics);
    mode.listen();
    mode.start(agent);
    Running r = new Running(agent, net, mode, loop);
    running.put(node, r);
    return r;
  }

  Running agent(String node) throws Exception {
    return agent(node, api.newClient(), Duration.ofSeconds(5));
  }

  static Optional<StateSnapshot> snapshot(Running r) {
    return Optional.ofNullable(r.agent().snapshots().get(CLUSTER));
  }

  static void awaitGeneration(Running r, long generation) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> snapshot(r).map(StateSnapshot::configGeneration).orElse(0L) == generation);
  }

  static Optional<GroupRole> role(Running r) {
    return snapshot(r).flatMap(s -> s.groups().stream().findFirst()).map(g -> g.role());
  }

  RouterNodeState nodeState(String node) {
    return api.admin()
        .resources(RouterNodeState.class)
        .inNamespace(MockKube.RELEASE)
        .withName(ConfigObjects.nodeStateName(NS, "loop", node))
        .get();
  }

  static NodeState state(RouterNodeState s) {
    return s == null || s.getStatus() == null ? null : s.getStatus().state;
  }

  @Test
  void aConfigChangeReachesTheRunningAgentAndIsKeptOnTheHost() throws Exception {
    publish(secret(1, 50));
    Running maitre = agent("maitre");
    awaitGeneration(maitre, 1);

    Secret changed = secret(2, 40);
    publish(changed);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> snapshot(maitre).map(StateSnapshot::configGeneration).orElse(0L) == 2L);
    Path saved =
        tmp.resolve("maitre/kubernetes/" + ConfigObjects.configSecretName(NS, "loop") + ".yaml");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(saved) && Files.readString(saved).contains("generation: 2"));
    assertThat(Files.readString(saved))
        .startsWith("# relais.dev/config-revision: " + MockKube.revision(changed) + "\n")
        .endsWith(MockKube.document(changed));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)))
        .isEqualTo("rw-------");
  }

  @Test
  void nodeStatesAppearAndFollowAFailover() throws Exception {
    Secret s = secret(1, 50);
    publish(s);
    Running maitre = agent("maitre");
    Running esclave = agent("esclave");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                state(nodeState("maitre")) == NodeState.Master
                    && state(nodeState("esclave")) == NodeState.Backup);
    RouterNodeState m = nodeState("maitre");
    assertThat(m.getSpec().cluster).isEqualTo(CLUSTER);
    assertThat(m.getSpec().node).isEqualTo("maitre");
    assertThat(m.getMetadata().getLabels()).containsEntry(ConfigObjects.NODE_LABEL, "maitre");
    assertThat(m.getStatus().configRevision).isEqualTo(MockKube.revision(s));
    assertThat(m.getStatus().configError).isNull();
    assertThat(m.getStatus().agentVersion).isEqualTo("test");
    assertThat(m.getStatus().acceptedConfigVersions)
        .containsExactly(ConfigObjects.DOCUMENT_VERSION);
    assertThat(m.getStatus().reportTime).isNotNull();
    assertThat(m.getStatus().vipGroups)
        .singleElement()
        .satisfies(g -> assertThat(g.role).isEqualTo(NodeState.Master));
    assertThat(m.getStatus().peers)
        .singleElement()
        .satisfies(p -> assertThat(p.reachable).isTrue());

    running.remove("maitre").stop();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> state(nodeState("esclave")) == NodeState.Master);
    assertThat(esclave.net().installed()).isNotEmpty();
    assertThat(maitre.net().installed()).isEmpty();
  }

  @Test
  void anApiRefusingNodeStateWritesChangesNothingAndTheStateCatchesUp() throws Exception {
    publish(secret(1, 50));
    api.failNodeStateWrites(true);

    Running maitre = agent("maitre");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> role(maitre).equals(Optional.of(GroupRole.MASTER)));
    assertThat(maitre.net().installed()).isNotEmpty();
    assertThat(nodeState("maitre")).isNull();
    assertThat(api.writes()).anyMatch(w -> w.contains("/routernodestates"));

    api.failNodeStateWrites(false);

    await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> state(nodeState("maitre")) == NodeState.Master);
  }

  @Test
  void aRenderedSecretDeletedByHandMovesNoVip() throws Exception {
    Secret s = secret(1, 50);
    publish(s);
    Running maitre = agent("maitre");
    Running esclave = agent("esclave");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> role(maitre).equals(Optional.of(GroupRole.MASTER)));
    var held = Map.copyOf(maitre.net().installed());
    assertThat(held).isNotEmpty();

    api.admin().resource(s).delete();

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                role(maitre).equals(Optional.of(GroupRole.MASTER))
                    && role(esclave).equals(Optional.of(GroupRole.BACKUP))
                    && maitre.net().installed().keySet().equals(held.keySet())
                    && esclave.net().installed().isEmpty());
    assertThat(nodeState("maitre").getStatus().configRevision).isEqualTo(MockKube.revision(s));
  }

  @Test
  void aRetiredSecretIsHandedOverAndForgotten() throws Exception {
    Secret s = secret(1, 50);
    publish(s);
    Running maitre = agent("maitre");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> role(maitre).equals(Optional.of(GroupRole.MASTER)));
    Path saved =
        tmp.resolve("maitre/kubernetes/" + ConfigObjects.configSecretName(NS, "loop") + ".yaml");
    assertThat(saved).exists();

    s.getMetadata().getAnnotations().put(ConfigObjects.RETIRED_ANNOTATION, "2026-12-04T00:00:00Z");
    publish(s);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> snapshot(maitre).isEmpty() && maitre.net().installed().isEmpty());
    assertThat(saved).doesNotExist();
  }

  @Test
  void anAgentRestartedWithTheApiUnreachableServesItsSavedConfig() throws Exception {
    publish(secret(1, 50));
    Running first = agent("maitre");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> role(first).equals(Optional.of(GroupRole.MASTER)));
    running.remove("maitre").stop();

    KubernetesClient unreachable =
        new KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:1")
                    .withRequestTimeout(500)
                    .build())
            .build();
    Running again = agent("maitre", unreachable, Duration.ofSeconds(1));

    awaitGeneration(again, 1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> role(again).equals(Optional.of(GroupRole.MASTER)));
    assertThat(again.net().installed()).isNotEmpty();
  }

  @Test
  void whenTheApiCanBeReadItsCopyWinsOverTheSavedOne() throws Exception {
    publish(secret(1, 50));
    agent("maitre");
    running.remove("maitre").stop();
    publish(secret(2, 40));

    Running again = agent("maitre");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> snapshot(again).map(StateSnapshot::configGeneration).orElse(0L) == 2L);
  }

  @Test
  void aNewerDocumentWithAnUnknownOptionalFieldRuns() throws Exception {
    Secret base = secret(1, 50);
    String newer =
        MockKube.document(base)
            .replace(
                "kind: \"AgentConfig\"\n", "kind: \"AgentConfig\"\nrenderedBy: \"relais 9\"\n");
    assertThat(newer).contains("renderedBy");
    publish(MockKube.rendered(NS, "loop", newer, List.of("maitre", "esclave")));

    Running maitre = agent("maitre");

    awaitGeneration(maitre, 1);
    await().atMost(Duration.ofSeconds(20)).until(() -> state(nodeState("maitre")) != null);
    assertThat(nodeState("maitre").getStatus().configError).isNull();
  }

  @Test
  void aDocumentOfAnotherVersionIsRefusedAndReportedAndTheRunningConfigStays() throws Exception {
    publish(secret(1, 50));
    Running maitre = agent("maitre");
    String v2 =
        MockKube.document(secret(2, 40))
            .replace("apiVersion: \"relais.dev/v1alpha1\"", "apiVersion: \"relais.dev/v2\"");
    Secret refused = MockKube.rendered(NS, "loop", v2, List.of("maitre", "esclave"));

    publish(refused);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                nodeState("maitre") != null && nodeState("maitre").getStatus().configError != null);
    assertThat(nodeState("maitre").getStatus().configError)
        .contains("apiVersion 'relais.dev/v2' is not one this agent runs");
    awaitGeneration(maitre, 1);
    assertThat(nodeState("maitre").getStatus().configRevision)
        .isNotEqualTo(MockKube.revision(refused));
  }

  @Test
  void idleAgentsWriteNothing() throws Exception {
    publish(secret(1, 50));
    Running maitre = agent("maitre");
    Running esclave = agent("esclave");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                state(nodeState("maitre")) == NodeState.Master
                    && state(nodeState("esclave")) == NodeState.Backup
                    && role(esclave).equals(Optional.of(GroupRole.BACKUP)));
    // Let the last reports of the election land, then count over an idle window.
    await().atMost(Duration.ofSeconds(10)).until(() -> quietFor(Duration.ofSeconds(1)));
    int before = api.writes().size();

    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(7))
        .until(() -> api.writes().size() == before);
    assertThat(role(maitre)).contains(GroupRole.MASTER);
  }

  private long lastCount = -1;
  private long lastChange;

  /** True once no write has been made for {@code window} (polled). */
  private boolean quietFor(Duration window) {
    int n = api.writes().size();
    long now = System.nanoTime();
    if (n != lastCount) {
      lastCount = n;
      lastChange = now;
    }
    return now - lastChange >= window.toNanos();
  }
}
