package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.relais.agent.netns.NetnsLab;
import dev.relais.agent.transport.EventLoops;
import dev.relais.agent.transport.TransportConfig;
import dev.relais.agent.transport.UdpTransport;
import dev.relais.model.ClusterModel;
import dev.relais.render.AgentConfigs;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Multicast heartbeats over two links between two routers in network namespaces: the bridged LAN
 * (enp0s3) and a direct cable (enp0s8, MTU 120). Each path's heartbeats leave by that path's
 * interface, which the receiver sees in their source address, and the small link is warned about
 * once.
 */
@Tag("netns")
class MulticastPathsKernelIT {
  private static final String GROUP = "239.192.0.23";
  private static final String CABLE = "enp0s8";
  private static final int PORT = 16_694;

  private NetnsLab lab;
  private final EventLoopGroup loop = EventLoops.single("mcast-paths-it");
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger mtuLog = (Logger) LoggerFactory.getLogger(PathMtu.class);

  @BeforeEach
  void cable() {
    lab = NetnsLab.create(List.of("maitre", "esclave"));
    String maitre = lab.host("maitre").namespace();
    String esclave = lab.host("esclave").namespace();
    NetnsLab.ip(
        "link", "add", CABLE, "netns", maitre, "type", "veth", "peer", "name", CABLE, "netns",
        esclave);
    lab.ipIn("maitre", "addr", "add", "10.200.8.11/24", "dev", CABLE);
    lab.ipIn("esclave", "addr", "add", "10.200.8.12/24", "dev", CABLE);
    lab.ipIn("maitre", "link", "set", CABLE, "mtu", "120", "up");
    lab.ipIn("esclave", "link", "set", CABLE, "up");
    logs.start();
    mtuLog.addAppender(logs);
  }

  @AfterEach
  void stop() {
    mtuLog.detachAppender(logs);
    loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    if (lab != null) lab.close();
  }

  private static ClusterModel model() {
    String yaml =
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: auth}
        stringData: {"1": "multicast-paths-test-key-0123456789"}
        ---
        apiVersion: relais.dev/v1alpha1
        kind: RouterCluster
        metadata: {name: mcast}
        spec:
          nodes:
            - {name: maitre, priority: 200}
            - {name: esclave, priority: 100}
          vipGroups:
            - name: gateway
              preferredNode: maitre
              addresses: [{address: 192.168.200.10/24, interface: enp0s3}]
          authSecretRef: {name: auth, activeKeyId: "1"}
          heartbeat:
            transport: Multicast
            multicastGroup: %s
            interfaces: [enp0s3, %s]
            port: %d
        """
            .formatted(GROUP, CABLE, PORT);
    var read = AgentConfigs.read(yaml, "test");
    assertThat(read).isInstanceOf(AgentConfigs.Result.Ok.class);
    return ((AgentConfigs.Result.Ok) read).clusters().getFirst().model();
  }

  @Test
  void eachPathLeavesByItsOwnInterfaceAndATooSmallLinkIsWarnedAboutOnce() throws Exception {
    Map<String, AtomicInteger> bySource = new ConcurrentHashMap<>();
    UdpTransport receiver =
        lab.inNamespace(
            "esclave",
            () ->
                UdpTransport.bind(
                    loop,
                    new TransportConfig(
                        PORT,
                        Optional.empty(),
                        false,
                        Optional.of(InetAddress.getByName(GROUP)),
                        List.of("enp0s3", CABLE),
                        1),
                    (data, length, sender, ago) ->
                        bySource
                            .computeIfAbsent(
                                sender.getAddress().getHostAddress() + "/" + data[0],
                                k -> new AtomicInteger())
                            .incrementAndGet()));
    SharedSockets shared = new SharedSockets(loop, reason -> {});
    ClusterModel model = model();
    HeartbeatPaths paths =
        lab.inNamespace(
            "maitre", () -> HeartbeatPaths.open(shared, model, "maitre", (d, n, s, ago) -> {}));
    try {
      // The receiving socket, and one sender per path.
      assertThat(shared.open()).isEqualTo(3);
      int each = 20;
      Awaitility.await()
          .atMost(10, TimeUnit.SECONDS)
          .pollInterval(50, TimeUnit.MILLISECONDS)
          .until(
              () -> {
                // Datagrams tagged with their path in the first byte; joins take a moment.
                for (int path = 0; path < 2; path++) {
                  byte[] datagram = new byte[100];
                  datagram[0] = (byte) path;
                  paths.send(path, datagram, datagram.length);
                }
                return count(bySource, "192.168.200.11/0") >= each
                    && count(bySource, "10.200.8.11/1") >= each;
              });
      assertThat(bySource.keySet()).containsExactlyInAnyOrder("192.168.200.11/0", "10.200.8.11/1");
    } finally {
      paths.close();
      receiver.close();
    }
    assertThat(shared.open()).isZero();
    List<String> warnings =
        logs.list.stream()
            .filter(e -> e.getLevel() == Level.WARN)
            .map(ILoggingEvent::getFormattedMessage)
            .toList();
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains(
            "cluster=test/mcast node=maitre path 1: interface enp0s8 has MTU 120, less than the 132"
                + " bytes");
  }

  private static int count(Map<String, AtomicInteger> bySource, String key) {
    AtomicInteger n = bySource.get(key);
    return n == null ? 0 : n.get();
  }
}
