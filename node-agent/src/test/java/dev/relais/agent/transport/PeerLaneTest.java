package dev.relais.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A socket connected to a peer beside the path's unconnected socket, on the same address and port
 * (loopback): the kernel gives it that peer's datagrams and nobody else's, however full the other
 * socket is.
 */
class PeerLaneTest {
  private static final InetAddress LOCAL = address("127.0.0.1");
  private static final InetAddress PEER = address("127.0.0.2");
  private static final InetAddress STRANGER = address("127.0.0.3");

  private final EventLoopGroup loop = EventLoops.single("peer-lane-test");

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }

  private static InetAddress address(String a) {
    try {
      return InetAddress.getByName(a);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TransportConfig binding(int port) {
    return new TransportConfig(port, Optional.of(LOCAL), false, Optional.empty(), List.of(), 1);
  }

  /** The work a rejected forgery costs the loop (a full HMAC of a 1,232-byte datagram, C1). */
  private static void burn(long nanos) {
    long until = System.nanoTime() + nanos;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  @Test
  void aPeersDatagramsReachItsLaneWhileAFloodOverflowsThePathSocket() throws Exception {
    AtomicInteger onPath = new AtomicInteger();
    AtomicInteger peerOnPath = new AtomicInteger();
    AtomicInteger onLane = new AtomicInteger();
    try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(PEER, 0));
        DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(STRANGER, 0));
        UdpTransport path =
            UdpTransport.bind(
                loop,
                binding(0),
                (d, n, s, ago) -> {
                  onPath.incrementAndGet();
                  if (s.getAddress().equals(PEER)) peerOnPath.incrementAndGet();
                  burn(50_000);
                });
        UdpTransport lane =
            UdpTransport.bind(
                loop,
                binding(path.localAddress().getPort())
                    .connectedTo((InetSocketAddress) peer.getLocalSocketAddress()),
                (d, n, s, ago) -> onLane.incrementAndGet())) {
      InetSocketAddress to = path.localAddress();
      byte[] forged = new byte[1232];
      byte[] heartbeat = new byte[116];
      int flood = 40_000;
      int heartbeats = 200;
      for (int i = 0; i < flood; i++) {
        stranger.send(new DatagramPacket(forged, forged.length, to));
        if (i % (flood / heartbeats) == 0) {
          peer.send(new DatagramPacket(heartbeat, heartbeat.length, to));
        }
      }
      Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> onLane.get() >= heartbeats);
      assertThat(onLane.get()).isEqualTo(heartbeats);
      assertThat(peerOnPath.get()).isZero();
      // The flood did overflow the path's socket: at 50 µs each the loop reads a fraction of it.
      int[] last = {-1};
      Awaitility.await()
          .atMost(10, TimeUnit.SECONDS)
          .pollInterval(200, TimeUnit.MILLISECONDS)
          .until(
              () -> {
                int now = onPath.get();
                boolean settled = now == last[0];
                last[0] = now;
                return settled;
              });
      assertThat(onPath.get()).isLessThan(flood / 2);
      assertThat(lane.localAddress()).isEqualTo(to);
    }
  }

  @Test
  void aStrangersDatagramsStayOnThePathSocket() throws Exception {
    AtomicInteger onPath = new AtomicInteger();
    AtomicInteger onLane = new AtomicInteger();
    try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(PEER, 0));
        DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(STRANGER, 0));
        UdpTransport path =
            UdpTransport.bind(loop, binding(0), (d, n, s, ago) -> onPath.incrementAndGet());
        UdpTransport lane =
            UdpTransport.bind(
                loop,
                binding(path.localAddress().getPort())
                    .connectedTo((InetSocketAddress) peer.getLocalSocketAddress()),
                (d, n, s, ago) -> onLane.incrementAndGet())) {
      for (int i = 0; i < 10; i++) {
        stranger.send(new DatagramPacket(new byte[100], 100, path.localAddress()));
      }
      Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> onPath.get() == 10);
      assertThat(onLane.get()).isZero();
      assertThat(lane.localAddress()).isEqualTo(path.localAddress());
    }
  }

  @Test
  void anIcmpErrorFromADeadPeerLeavesItsLaneOpen() throws Exception {
    AtomicInteger onPath = new AtomicInteger();
    AtomicInteger onLane = new AtomicInteger();
    int peerPort;
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(PEER, 0))) {
      peerPort = probe.getLocalPort();
    }
    InetSocketAddress peerAddress = new InetSocketAddress(PEER, peerPort);
    try (UdpTransport path =
            UdpTransport.bind(loop, binding(0), (d, n, s, ago) -> onPath.incrementAndGet());
        UdpTransport lane =
            UdpTransport.bind(
                loop,
                binding(path.localAddress().getPort()).connectedTo(peerAddress),
                (d, n, s, ago) -> onLane.incrementAndGet())) {
      // Nobody listens at the peer's address yet: the kernel answers port unreachable, and the
      // error is queued on the lane (it matches the lane's address pair).
      for (int i = 0; i < 5; i++) path.send(new byte[100], 100, List.of(peerAddress));
      try (DatagramSocket peer = new DatagramSocket(peerAddress)) {
        Awaitility.await()
            .atMost(5, TimeUnit.SECONDS)
            .pollInterval(20, TimeUnit.MILLISECONDS)
            .until(
                () -> {
                  peer.send(new DatagramPacket(new byte[100], 100, path.localAddress()));
                  return onLane.get() > 0;
                });
      }
      assertThat(onPath.get()).isZero();
      assertThat(lane.localAddress()).isEqualTo(path.localAddress());
    }
  }
}
