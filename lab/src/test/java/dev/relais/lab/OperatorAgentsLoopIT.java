package dev.relais.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relais.agent.dataplane.FakeDataplane;
import dev.relais.agent.kube.KubernetesMode;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.protocol.GroupRole;
import dev.relais.agent.runtime.Agent;
import dev.relais.agent.transport.EventLoops;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterClusterStatus;
import dev.relais.lab.api.LabApi;
import dev.relais.operator.RelaisOperator;
import dev.relais.operator.reconciler.OperatorSettings;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24's loop with both modules on the class path: the real operator and two real agents in
 * Kubernetes mode (netty UDP over loopback, fake data planes), all against the lab's embedded API,
 * turn the agents' states into the RouterCluster's status, failover included.
 */
class OperatorAgentsLoopIT {
  static final String RELEASE = "relais-system";
  static final String MANIFESTS =
      """
      apiVersion: v1
      kind: Secret
      metadata: {name: loop-auth, namespace: edge, labels: {relais.dev/auth: "true"}}
      stringData: {"1": "loopback-test-key-0123456789"}
      ---
      apiVersion: relais.dev/v1alpha1
      kind: RouterCluster
      metadata: {name: loop, namespace: edge}
      spec:
        nodes:
          - {name: maitre, priority: 200, addresses: ["127.0.0.1"]}
          - {name: esclave, priority: 100, addresses: ["127.0.0.2"]}
        vipGroups:
          - name: gateway
            preferredNode: maitre
            addresses: [{address: 192.0.2.10/24, interface: lo0, label: "lo0:0"}]
        authSecretRef: {name: loop-auth, activeKeyId: "1"}
        heartbeat: {keepaliveMs: 50, deadTimeMs: 300, initDeadMs: 1000, port: %d}
        failback: {policy: Auto}
      """;

  @TempDir Path tmp;
  KubernetesMockServer api;
  KubernetesClient admin;
  RelaisOperator operator;
  Path kubeconfig;
  final List<Running> running = new ArrayList<>();

  /** One agent in Kubernetes mode, as bin/relais-agent --kubernetes runs it. */
  record Running(Agent agent, FakeDataplane net, KubernetesMode mode, EventLoopGroup loop) {
    Optional<GroupRole> role() {
      return Optional.ofNullable(agent.snapshots().get("edge/loop"))
          .flatMap(s -> s.groups().stream().findFirst())
          .map(g -> g.role());
    }

    /** Powered off: the heartbeat loop stops dead, no handoff, nothing written on the way out. */
    void crash() {
      loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
  }

  @BeforeEach
  void start() throws Exception {
    api = LabApi.start(InetAddress.getLoopbackAddress(), 0);
    admin = api.createClient();
    for (String crd : List.of("routerclusters", "routernodestates")) {
      try (InputStream in =
          getClass().getResourceAsStream("/META-INF/fabric8/" + crd + ".relais.dev-v1.yml")) {
        admin
            .resource(
                admin.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class))
            .create();
      }
    }
    kubeconfig = tmp.resolve("kubeconfig");
    Files.writeString(kubeconfig, LabApi.kubeconfig("http://127.0.0.1:" + api.getPort()));
    operator =
        new RelaisOperator(
            admin, new OperatorSettings(RELEASE, Set.of(), Clock.systemUTC()), Optional.empty());
    operator.start();
    int port = 20_000 + (int) (ProcessHandle.current().pid() % 20_000);
    List<HasMetadata> items =
        admin
            .load(
                new ByteArrayInputStream(
                    MANIFESTS.formatted(port).getBytes(StandardCharsets.UTF_8)))
            .items();
    items.forEach(i -> admin.resource(i).create());
  }

  @AfterEach
  void stop() {
    for (Running r : running) {
      r.mode().stopWatching();
      if (!r.loop().isShutdown()) r.agent().shutdown(Duration.ofSeconds(1));
      r.mode().close();
      r.loop().shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    operator.close();
    admin.close();
    api.destroy();
  }

  Running agent(String node) throws Exception {
    EventLoopGroup loop = EventLoops.single("lab-" + node);
    FakeDataplane net = new FakeDataplane(e -> {});
    AgentMetrics metrics = new AgentMetrics();
    Agent agent =
        new Agent(node, loop.next(), System::nanoTime, net, metrics, System.currentTimeMillis());
    KubernetesMode mode =
        KubernetesMode.connect(
            new KubernetesMode.Settings(
                node,
                RELEASE,
                Optional.of(kubeconfig),
                tmp.resolve(node),
                Duration.ofHours(24),
                Duration.ofSeconds(5),
                "lab-test"),
            metrics);
    mode.listen();
    mode.start(agent);
    Running r = new Running(agent, net, mode, loop);
    running.add(r);
    return r;
  }

  RouterClusterStatus status() {
    RouterCluster rc =
        admin.resources(RouterCluster.class).inNamespace("edge").withName("loop").get();
    return rc == null || rc.getStatus() == null ? new RouterClusterStatus() : rc.getStatus();
  }

  static String ready(RouterClusterStatus s) {
    return s.conditions.stream()
        .filter(c -> c.type.equals("Ready"))
        .map(c -> c.status.toString())
        .findFirst()
        .orElse("");
  }

  List<String> eventReasons() {
    return admin.v1().events().inNamespace("edge").list().getItems().stream()
        .map(e -> e.getReason())
        .toList();
  }

  Secret rendered() {
    return admin
        .secrets()
        .inNamespace(RELEASE)
        .withName(ConfigObjects.configSecretName("edge", "loop"))
        .get();
  }

  @Test
  void theOperatorFoldsBothAgentsStatesIntoTheStatusFailoverIncluded() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> rendered() != null);
    Running maitre = agent("maitre");
    Running esclave = agent("esclave");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "maitre".equals(status().activeNode)
                    && ready(status()).equals("True")
                    && status().nodes.size() == 2);
    assertThat(maitre.role()).contains(GroupRole.MASTER);
    assertThat(esclave.role()).contains(GroupRole.BACKUP);
    assertThat(status().vipGroups)
        .singleElement()
        .satisfies(g -> assertThat(g.activeNode).isEqualTo("maitre"));

    maitre.crash();

    await().atMost(Duration.ofSeconds(20)).until(() -> "esclave".equals(status().activeNode));
    RouterClusterStatus after = status();
    assertThat(after.lastFailover.from).isEqualTo("maitre");
    assertThat(after.lastFailover.to).isEqualTo("esclave");
    assertThat(after.lastFailover.reason).isNotBlank();
    // Detection is deadTime (300 ms) after the last heartbeat: the duration esclave measured.
    assertThat(after.lastFailover.durationMs).isBetween(250L, 5_000L);
    assertThat(esclave.net().installed()).isNotEmpty();
    await().atMost(Duration.ofSeconds(10)).until(() -> eventReasons().contains("Failover"));
    // A powered-off maitre cannot report itself: the survivor's report makes it unreachable.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                status().nodes.stream()
                    .anyMatch(n -> n.name.equals("maitre") && Boolean.FALSE.equals(n.reachable)));
    assertThat(status().conditions.stream().filter(c -> c.type.equals("Degraded")))
        .singleElement()
        .satisfies(c -> assertThat(c.status.toString()).isEqualTo("True"));
  }

  @Test
  void aRenderedSecretDeletedByHandMovesNoVipAndIsRenderedAgain() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> rendered() != null);
    Running maitre = agent("maitre");
    Running esclave = agent("esclave");
    await().atMost(Duration.ofSeconds(30)).until(() -> "maitre".equals(status().activeNode));
    Secret before = rendered();
    Map<?, ?> held = Map.copyOf(maitre.net().installed());
    assertThat(held).isNotEmpty();

    admin.resource(before).delete();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                rendered() != null
                    && !rendered().getMetadata().getUid().equals(before.getMetadata().getUid()));
    assertThat(rendered().getData().get(ConfigObjects.CONFIG_KEY))
        .isEqualTo(before.getData().get(ConfigObjects.CONFIG_KEY));
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                maitre.role().equals(Optional.of(GroupRole.MASTER))
                    && esclave.role().equals(Optional.of(GroupRole.BACKUP))
                    && maitre.net().installed().keySet().equals(held.keySet())
                    && esclave.net().installed().isEmpty()
                    && "maitre".equals(status().activeNode));
  }
}
