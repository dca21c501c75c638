package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.dataplane.LinuxDataplane;
import dev.relais.agent.netns.NetnsLab;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.transport.EventLoops;
import dev.relais.render.AgentConfigs;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Live config changes on two real agents in network namespaces, at the default profile (1 s / 5 s):
 * each agent's sockets and data plane live in its router's namespace. Bounds are loose (two shared
 * cores); the order of edits is the worst one (the owner first).
 */
@Tag("netns")
class ReconfigureKernelIT {
  private static final String EXTRA = "192.168.200.20";

  private NetnsLab lab;
  private final Map<String, Router> routers = new LinkedHashMap<>();

  private record Router(
      String name,
      Agent agent,
      AgentMetrics metrics,
      LinuxDataplane dataplane,
      EventLoopGroup loop) {}

  @BeforeEach
  void start() {
    lab = NetnsLab.tutorial();
    for (String name : List.of("maitre", "esclave")) {
      routers.put(name, startRouter(name, config(1, false, false)));
    }
    Awaitility.await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> addresses("maitre").containsAll(List.of(NetnsLab.VIP4, EXTRA)));
  }

  @AfterEach
  void stop() {
    routers.values().forEach(r -> r.agent().shutdown(Duration.ofSeconds(2)));
    routers.values().forEach(r -> r.dataplane().close());
    routers
        .values()
        .forEach(
            r -> r.loop().shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly());
    if (lab != null) lab.close();
  }

  private Router startRouter(String name, AgentConfigs.Result.Ok config) {
    EventLoopGroup loop = EventLoops.single("it-" + name);
    AgentMetrics metrics = new AgentMetrics();
    Agent[] agent = new Agent[1];
    LinuxDataplane dataplane =
        lab.inNamespace(
            name,
            () ->
                LinuxDataplane.open(
                    e -> {
                      if (agent[0] != null) agent[0].onDataplaneEvent(e);
                    }));
    agent[0] =
        new Agent(
            name,
            loop.next(),
            System::nanoTime,
            dataplane,
            metrics,
            Instant.now().getEpochSecond());
    apply(name, agent[0], config);
    return new Router(name, agent[0], metrics, dataplane, loop);
  }

  /** Sockets are bound by apply, so it runs on the router's namespace thread. */
  private void apply(String name, Agent agent, AgentConfigs.Result.Ok config) {
    lab.inNamespace(
        name,
        () -> {
          agent.apply(config);
          return null;
        });
  }

  private void apply(String name, AgentConfigs.Result.Ok config) {
    apply(name, routers.get(name).agent(), config);
  }

  private static AgentConfigs.Result.Ok config(long generation, boolean withoutExtra, boolean v6) {
    String extra =
        withoutExtra
            ? ""
            : """
                - name: extra
                  preferredNode: maitre
                  addresses: [{address: 192.168.200.20/24, interface: enp0s3}]
            """;
    String yaml =
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: it-auth}
        stringData: {"1": "reconfigure-kernel-it-key-0123"}
        ---
        apiVersion: relais.dev/v1alpha1
        kind: RouterCluster
        metadata: {name: it, generation: %d}
        spec:
          nodes:
            - {name: maitre, priority: 200, addresses: [%s]}
            - {name: esclave, priority: 100, addresses: [%s]}
          vipGroups:
            - name: gateway
              preferredNode: maitre
              addresses: [{address: 192.168.200.10/24, interface: enp0s3, label: "enp0s3:0"}]
        %s  authSecretRef: {name: it-auth, activeKeyId: "1"}
          heartbeat: {keepaliveMs: 1000, deadTimeMs: 5000, initDeadMs: 10000}
          failback: {policy: Auto}
        """
            .formatted(
                generation,
                v6 ? "\"192.168.200.11\", \"fd00:c8::11\"" : "\"192.168.200.11\"",
                v6 ? "\"192.168.200.12\", \"fd00:c8::12\"" : "\"192.168.200.12\"",
                extra);
    AgentConfigs.Result result = AgentConfigs.read(yaml, "default");
    assertThat(result).isInstanceOf(AgentConfigs.Result.Ok.class);
    return (AgentConfigs.Result.Ok) result;
  }

  private List<String> addresses(String router) {
    List<String> out = new ArrayList<>();
    for (var link : lab.ipJson(router, "-4", "addr", "show", "dev", NetnsLab.LAN)) {
      for (var a : link.path("addr_info")) out.add(a.path("local").asText());
    }
    return out;
  }

  private double counter(String router, String prefix) {
    return Arrays.stream(routers.get(router).metrics().scrape().split("\n"))
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private String heartbeatMetrics(String router) {
    return String.join(
        "\n",
        Arrays.stream(routers.get(router).metrics().scrape().split("\n"))
            .filter(l -> l.startsWith("relais_heartbeats"))
            .toList());
  }

  /** Samples both routers for {@code d}: who ever had {@code address}. */
  private List<String> everHeld(String address, Duration d) throws InterruptedException {
    List<String> seen = new ArrayList<>();
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      for (String r : routers.keySet()) {
        if (addresses(r).contains(address) && !seen.contains(r)) seen.add(r);
      }
      Thread.sleep(100);
    }
    return seen;
  }

  @Test
  void groupsDroppedAndRestoredAndASecondHeartbeatAddressMoveNothingElse() throws Exception {
    // The owner drops a group first; its peer gets the same config a second later.
    apply("maitre", config(2, true, false));
    Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> !addresses("maitre").contains(EXTRA));
    Thread.sleep(1000);
    apply("esclave", config(2, true, false));
    assertThat(everHeld(EXTRA, Duration.ofSeconds(6)))
        .as("nobody re-adds the dropped group")
        .isEmpty();

    // Restored (peer first this time): the group returns to its preferred router.
    apply("esclave", config(3, false, false));
    apply("maitre", config(3, false, false));
    Awaitility.await()
        .atMost(15, TimeUnit.SECONDS)
        .until(() -> addresses("maitre").contains(EXTRA));
    assertThat(addresses("esclave")).doesNotContain(EXTRA, NetnsLab.VIP4);

    // A second heartbeat address on each router, edited one after the other.
    double transitionsBefore = counter("esclave", "relais_transitions_total");
    apply("maitre", config(4, false, true));
    Thread.sleep(2000);
    apply("esclave", config(4, false, true));
    List<String> gatewayHolders = everHeld(NetnsLab.VIP4, Duration.ofSeconds(8));

    assertThat(gatewayHolders).as("no ownership change").containsExactly("maitre");
    for (String r : routers.keySet()) {
      assertThat(counter(r, "relais_heartbeats_rejected_total{reason=\"REPLAY\""))
          .as(r + " REPLAY rejections")
          .isZero();
    }
    assertThat(counter("esclave", "relais_transitions_total")).isEqualTo(transitionsBefore);
    var maitreSeen =
        routers.get("esclave").agent().snapshots().values().iterator().next().peers().getFirst();
    assertThat(maitreSeen.pathsUp())
        .as(
            "esclave hears maitre on both paths; esclave's metrics:\n%s",
            heartbeatMetrics("esclave"))
        .isEqualTo(2);
  }
}
