package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relais.agent.protocol.Effect;
import dev.relais.agent.protocol.HeartbeatCodec;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.ProtocolMachine;
import dev.relais.agent.transport.EventLoops;
import dev.relais.agent.transport.TransportConfig;
import dev.relais.render.AgentConfigs;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two clusters on one heartbeat address and port: one socket, each datagram to its cluster. */
class SharedSocketsTest {
  private final EventLoopGroup loop = EventLoops.single("shared-sockets-test");

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }

  @Test
  void datagramsReachTheClusterTheyNameAndTheSocketClosesWithItsLastLease() throws Exception {
    Queue<String> unknown = new ConcurrentLinkedQueue<>();
    Queue<Integer> first = new ConcurrentLinkedQueue<>();
    Queue<Integer> second = new ConcurrentLinkedQueue<>();
    SharedSockets shared = new SharedSockets(loop, unknown::add);
    AgentConfigs.Loaded lab = RuntimeLab.config();
    AgentConfigs.Loaded other =
        RuntimeLab.config(1, y -> y.replace("metadata: {name: lab,", "metadata: {name: other,"));
    TransportConfig binding = loopback();

    var one = shared.acquire(binding, lab.model().clusterId(), (d, n, s, ago) -> first.add(n));
    var two = shared.acquire(binding, other.model().clusterId(), (d, n, s, ago) -> second.add(n));
    assertThat(two.socket()).isSameAs(one.socket());
    assertThat(shared.open()).isEqualTo(1);

    byte[] fromLab = firstHeartbeat(ProtocolConfigs.of(lab, "b"));
    byte[] fromOther = firstHeartbeat(ProtocolConfigs.of(other, "b"));
    InetSocketAddress to = one.socket().localAddress();
    try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      sender.send(new DatagramPacket(fromLab, fromLab.length, to));
      sender.send(new DatagramPacket(fromOther, fromOther.length, to));
      sender.send(new DatagramPacket(fromOther, fromOther.length, to));
      sender.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, to));
    }
    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> unknown.size() == 1);
    assertThat(first).containsExactly(fromLab.length);
    assertThat(second).containsExactly(fromOther.length, fromOther.length);
    assertThat(unknown).containsExactly("MALFORMED");

    one.close();
    assertThat(shared.open()).as("the other cluster still uses it").isEqualTo(1);
    two.close();
    assertThat(shared.open()).isZero();
  }

  @Test
  void twoClustersWhoseWireTagsCollideAreRefusedOneSocketAndTheFirstKeepsIt() throws Exception {
    // Found by a birthday search over "relais/c<N>": the first 4 bytes of SHA-256 are fc7f5530.
    String first = "relais/c23851";
    String second = "relais/c86848";
    assertThat(HeartbeatCodec.clusterTag(second)).isEqualTo(HeartbeatCodec.clusterTag(first));
    Queue<Integer> heard = new ConcurrentLinkedQueue<>();
    SharedSockets shared = new SharedSockets(loop, reason -> {});
    TransportConfig binding = loopback();

    var lease = shared.acquire(binding, first, (d, n, s, ago) -> heard.add(n));
    assertThatThrownBy(() -> shared.acquire(binding, second, (d, n, s, ago) -> heard.add(-n)))
        .isInstanceOf(SharedSockets.TagCollision.class)
        .hasMessageContaining(first)
        .hasMessageContaining(second)
        .hasMessageContaining("0xfc7f5530")
        .hasMessageContaining("another port or address");

    try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      sender.send(new DatagramPacket(new byte[] {4, 5, 6}, 3, lease.socket().localAddress()));
    }
    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> heard.size() == 1);
    assertThat(heard).as("the first cluster still receives alone").containsExactly(3);
    lease.close();
    assertThat(shared.open()).as("the refusal left no lease behind").isZero();

    var afterwards = shared.acquire(binding, second, (d, n, s, ago) -> heard.add(-n));
    assertThat(shared.open()).isEqualTo(1);
    afterwards.close();
  }

  /** A unicast binding on loopback, on a port the kernel picks. */
  private static TransportConfig loopback() {
    return new TransportConfig(
        0, Optional.of(InetAddress.getLoopbackAddress()), false, Optional.empty(), List.of(), 1);
  }

  private static byte[] firstHeartbeat(ProtocolConfig config) {
    ProtocolMachine machine = new ProtocolMachine(config, 7);
    HeartbeatCodec codec = new HeartbeatCodec(config);
    for (Effect e : machine.start(1_000_000_000L)) {
      if (e instanceof Effect.SendHeartbeat(var hb)) return codec.encode(hb);
    }
    throw new AssertionError("a starting machine sends a heartbeat");
  }
}
