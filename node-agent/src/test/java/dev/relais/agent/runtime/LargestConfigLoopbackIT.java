package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relais.agent.dataplane.FakeDataplane;
import dev.relais.agent.dataplane.VirtualIp;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.protocol.GroupRole;
import dev.relais.agent.protocol.HeartbeatCodec;
import dev.relais.agent.protocol.StateSnapshot;
import dev.relais.agent.transport.EventLoops;
import dev.relais.api.v1alpha1.Rules;
import dev.relais.model.HeartbeatSize;
import dev.relais.render.AgentConfigs;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The largest cluster the API admits (16 nodes, 32 VIP groups, every name 63 characters): its worst
 * heartbeat is just under the size budget, and two real agents over loopback UDP still elect
 * exactly one owner per group while the other 14 listed nodes never speak.
 */
class LargestConfigLoopbackIT {
  private static final int NODES = (int) Rules.MAX_NODES;
  private static final int GROUPS = (int) Rules.MAX_GROUPS;
  private static final int LIVE = 2;

  private final List<EventLoopGroup> loops = new ArrayList<>();
  private final List<Agent> agents = new ArrayList<>();
  private final Map<String, AgentMetrics> metrics = new HashMap<>();

  @AfterEach
  void stop() {
    agents.forEach(a -> a.shutdown(Duration.ofSeconds(2)));
    loops.forEach(EventLoopGroup::shutdownGracefully);
  }

  /** A name of exactly 63 characters (the API's maximum), unique by its prefix. */
  static String longName(String prefix, int i) {
    String head = prefix + "-" + i + "-";
    return head + "x".repeat((int) Rules.MAX_NAME - head.length());
  }

  /** Node i's priority: node 0 highest; live node 1 second, so absent nodes rank below both. */
  static int priority(int node) {
    return 250 - node;
  }

  /** Group g prefers node g % 3: live node 0, live node 1, or absent node 2. */
  static int preferred(int group) {
    return group % 3;
  }

  static String config(int port) {
    StringBuilder y = new StringBuilder();
    y.append(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: auth}
        stringData: {"1": "largest-config-test-key-0123456789"}
        ---
        apiVersion: relais.dev/v1alpha1
        kind: RouterCluster
        metadata: {name: largest}
        spec:
          nodes:
        """);
    for (int n = 0; n < NODES; n++) {
      y.append("    - {name: ")
          .append(longName("node", n))
          .append(", priority: ")
          .append(priority(n))
          .append(", addresses: [\"127.0.0.")
          .append(n + 1)
          .append("\"]}\n");
    }
    y.append("  vipGroups:\n");
    for (int g = 0; g < GROUPS; g++) {
      y.append("    - name: ")
          .append(longName("group", g))
          .append("\n      preferredNode: ")
          .append(longName("node", preferred(g)))
          .append("\n      addresses: [{address: 192.0.2.")
          .append(g + 1)
          .append("/24, interface: lo0}]\n");
    }
    y.append("  authSecretRef: {name: auth, activeKeyId: \"1\"}\n")
        .append("  heartbeat: {keepaliveMs: 50, deadTimeMs: 300, initDeadMs: 2000, port: ")
        .append(port)
        .append("}\n");
    return y.toString();
  }

  @Test
  void theLargestConfigFitsTheBudgetAndTwoAgentsElectOneOwnerPerGroup() throws IOException {
    assertThat(HeartbeatCodec.worstCaseBytes(NODES, GROUPS))
        .isEqualTo(HeartbeatSize.worstCaseBytes(NODES, GROUPS))
        .isEqualTo(1193)
        .isLessThanOrEqualTo(HeartbeatCodec.MAX_DATAGRAM_BYTES);
    int port = 40_000 + (int) (ProcessHandle.current().pid() % 20_000);
    var read = AgentConfigs.read(config(port), "test");
    assertThat(read).isInstanceOf(AgentConfigs.Result.Ok.class);
    var config = (AgentConfigs.Result.Ok) read;
    var cluster = config.clusters().getFirst();
    assertThat(cluster.model().nodes()).hasSize(NODES);
    assertThat(cluster.model().vipGroups()).hasSize(GROUPS);

    List<FakeDataplane> nets = new ArrayList<>();
    List<Agent> live = new ArrayList<>();
    for (int n = 0; n < LIVE; n++) {
      FakeDataplane net = new FakeDataplane(e -> {});
      nets.add(net);
      live.add(start(longName("node", n), net, config));
    }

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (int g = 0; g < GROUPS; g++) {
                String group = longName("group", g);
                int owner = preferred(g) < LIVE ? preferred(g) : 0;
                for (int n = 0; n < LIVE; n++) {
                  Optional<StateSnapshot.GroupView> view = view(live.get(n), group);
                  assertThat(view).as("%s on node %d", group, n).isPresent();
                  assertThat(view.get().role())
                      .as("%s on node %d", group, n)
                      .isEqualTo(n == owner ? GroupRole.MASTER : GroupRole.BACKUP);
                  assertThat(view.get().owner()).isEqualTo(longName("node", owner));
                }
              }
            });
    for (int g = 0; g < GROUPS; g++) {
      VirtualIp vip = ModelVips.vips(cluster.model().vipGroups().get(g)).getFirst();
      int owner = preferred(g) < LIVE ? preferred(g) : 0;
      for (int n = 0; n < LIVE; n++) {
        assertThat(nets.get(n).installed().containsKey(vip))
            .as("group %d's VIP on node %d", g, n)
            .isEqualTo(n == owner);
      }
    }
    for (int n = 0; n < LIVE; n++) {
      String peer = longName("node", 1 - n);
      assertThat(metrics.get(longName("node", n)).scrape())
          .containsPattern(
              "relais_heartbeats_received_total\\{cluster=\"test/largest\",peer=\""
                  + peer
                  + "\"} [1-9]")
          // Nothing cut, nothing failing its MAC: every heartbeat of this size is read whole.
          .doesNotContain("relais_heartbeats_rejected_total");
    }
  }

  @Test
  void theLargestConfigPassesTheValidatorAndOneNodeOrGroupMoreIsRejected() throws IOException {
    // The agent reads user YAML through the validator: Ok means it passed.
    assertThat(AgentConfigs.read(config(7000), "test")).isInstanceOf(AgentConfigs.Result.Ok.class);
    String oneNodeMore =
        config(7000)
            .replace(
                "  vipGroups:\n",
                "    - {name: "
                    + longName("node", NODES)
                    + ", priority: 1, addresses: [\"127.0.0.99\"]}\n  vipGroups:\n");
    String oneGroupMore =
        config(7000)
            .replace(
                "  authSecretRef:",
                "    - name: "
                    + longName("group", GROUPS)
                    + "\n      preferredNode: "
                    + longName("node", 0)
                    + "\n      addresses: [{address: 192.0.2.200/24, interface: lo0}]\n"
                    + "  authSecretRef:");
    // Version 4 alone would fit one more; the v3 copies of a rolling upgrade would not.
    assertThat(HeartbeatSize.worstCaseBytesV3(NODES + 1, GROUPS))
        .isGreaterThan(HeartbeatSize.BUDGET_BYTES);
    assertThat(HeartbeatSize.worstCaseBytesV3(NODES, GROUPS + 1))
        .isGreaterThan(HeartbeatSize.BUDGET_BYTES);
    assertThat(AgentConfigs.read(oneNodeMore, "test"))
        .isInstanceOf(AgentConfigs.Result.Rejected.class)
        .asString()
        .contains("spec.nodes", "must have at most 16 items");
    assertThat(AgentConfigs.read(oneGroupMore, "test"))
        .isInstanceOf(AgentConfigs.Result.Rejected.class)
        .asString()
        .contains("spec.vipGroups", "must have at most 32 items");
  }

  private Agent start(String node, FakeDataplane net, AgentConfigs.Result.Ok config)
      throws IOException {
    EventLoopGroup loop = EventLoops.single("test-" + node.substring(0, 7));
    loops.add(loop);
    AgentMetrics m = new AgentMetrics();
    metrics.put(node, m);
    Agent agent =
        new Agent(node, loop.next(), System::nanoTime, net, m, System.currentTimeMillis());
    agents.add(agent);
    agent.apply(config);
    return agent;
  }

  private static Optional<StateSnapshot.GroupView> view(Agent agent, String group) {
    return agent.snapshots().values().stream()
        .findFirst()
        .flatMap(s -> s.groups().stream().filter(g -> g.group().equals(group)).findFirst());
  }
}
