package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relais.agent.dataplane.FakeDataplane;
import dev.relais.agent.dataplane.VirtualIp;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.protocol.GroupRole;
import dev.relais.agent.protocol.StateSnapshot;
import dev.relais.agent.transport.EventLoops;
import dev.relais.render.AgentConfigs;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two real agents (netty UDP over loopback, fake data plane) elect exactly one owner. */
class TwoAgentsLoopbackIT {
  private static final String CONFIG =
      """
      apiVersion: v1
      kind: Secret
      metadata: {name: auth}
      stringData: {"1": "loopback-test-key-0123456789"}
      ---
      apiVersion: relais.dev/v1alpha1
      kind: RouterCluster
      metadata: {name: loop}
      spec:
        nodes:
          - {name: maitre, priority: 200, addresses: ["127.0.0.1"]}
          - {name: esclave, priority: 100, addresses: ["127.0.0.2"]}
        vipGroups:
          - name: gateway
            preferredNode: maitre
            addresses: [{address: 192.0.2.10/24, interface: lo0, label: "lo0:0"}]
        authSecretRef: {name: auth, activeKeyId: "1"}
        heartbeat: {keepaliveMs: 50, deadTimeMs: 300, initDeadMs: 2000, port: %d}
      """;

  private final List<EventLoopGroup> loops = new ArrayList<>();
  private final List<Agent> agents = new ArrayList<>();
  private final java.util.Map<String, AgentMetrics> metrics = new java.util.HashMap<>();

  @AfterEach
  void stop() {
    agents.forEach(a -> a.shutdown(Duration.ofSeconds(2)));
    loops.forEach(EventLoopGroup::shutdownGracefully);
  }

  @Test
  void twoAgentsExchangeAuthenticatedHeartbeatsAndElectOneOwner() throws IOException {
    int port = 20_000 + (int) (ProcessHandle.current().pid() % 20_000);
    var config = (AgentConfigs.Result.Ok) AgentConfigs.read(CONFIG.formatted(port), "test");
    FakeDataplane maitreNet = new FakeDataplane(e -> {});
    FakeDataplane esclaveNet = new FakeDataplane(e -> {});
    Agent maitre = start("maitre", maitreNet, config);
    Agent esclave = start("esclave", esclaveNet, config);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(role(maitre)).contains(GroupRole.MASTER);
              assertThat(role(esclave)).contains(GroupRole.BACKUP);
              assertThat(owner(esclave)).contains("maitre");
            });
    VirtualIp vip =
        ModelVips.vips(config.clusters().getFirst().model().vipGroups().getFirst()).getFirst();
    assertThat(maitreNet.installed()).containsKey(vip);
    assertThat(esclaveNet.installed()).doesNotContainKey(vip);
    assertThat(metrics.get("maitre").scrape())
        .contains("relais_vip_held{cluster=\"test/loop\",group=\"gateway\"} 1.0")
        .contains("relais_group_state{cluster=\"test/loop\",group=\"gateway\"} 2.0")
        .containsPattern(
            "relais_heartbeats_received_total\\{cluster=\"test/loop\",peer=\"esclave\"} [1-9]")
        .containsPattern(
            "relais_peer_rtt_seconds_count\\{cluster=\"test/loop\",peer=\"esclave\"} [1-9]")
        .contains("relais_heartbeats_missed_total{cluster=\"test/loop\",peer=\"esclave\"}")
        .containsPattern("relais_event_loop_delay_seconds_count\\{cluster=\"test/loop\"} [1-9]")
        .contains("relais_event_loop_delay_seconds_max{cluster=\"test/loop\"}");
    assertThat(metrics.get("esclave").scrape())
        .contains("relais_group_state{cluster=\"test/loop\",group=\"gateway\"} 1.0");
  }

  private Agent start(String node, FakeDataplane net, AgentConfigs.Result.Ok config)
      throws IOException {
    EventLoopGroup loop = EventLoops.single("test-" + node);
    loops.add(loop);
    AgentMetrics m = new AgentMetrics();
    metrics.put(node, m);
    Agent agent =
        new Agent(node, loop.next(), System::nanoTime, net, m, System.currentTimeMillis());
    agents.add(agent);
    agent.apply(config);
    return agent;
  }

  private static Optional<GroupRole> role(Agent agent) {
    return agent.snapshots().values().stream()
        .findFirst()
        .flatMap(s -> group(s).map(StateSnapshot.GroupView::role));
  }

  private static Optional<String> owner(Agent agent) {
    return agent.snapshots().values().stream()
        .findFirst()
        .flatMap(s -> group(s).map(StateSnapshot.GroupView::owner));
  }

  private static Optional<StateSnapshot.GroupView> group(StateSnapshot s) {
    return s.groups().stream().filter(g -> g.group().equals("gateway")).findFirst();
  }
}
