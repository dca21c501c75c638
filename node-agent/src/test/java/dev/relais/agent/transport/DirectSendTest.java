package dev.relais.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats sent on the event loop go out with one sendto(2) on netty's socket (epoll), to IPv4
 * peers from a dual-stack socket and from an IPv4-only one, with exactly the bytes given.
 */
class DirectSendTest {
  private final EventLoopGroup loop = EventLoops.single("direct-send-test");

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }

  private static byte[] receive(DatagramSocket socket) throws Exception {
    socket.setSoTimeout(5000);
    var packet = new DatagramPacket(new byte[2048], 2048);
    socket.receive(packet);
    return Arrays.copyOf(packet.getData(), packet.getLength());
  }

  private void sendOnLoop(UdpTransport t, byte[] data, int length, List<InetSocketAddress> to)
      throws Exception {
    loop.submit(() -> t.send(data, length, to)).get(5, TimeUnit.SECONDS);
  }

  @Test
  void aDualStackSocketReachesIpv4PeersWithTheExactBytes() throws Exception {
    assertThat(EventLoops.epoll()).as("netty's epoll transport on Linux").isTrue();
    InetAddress local = InetAddress.getByName("127.0.0.1");
    try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(local, 0));
        DatagramSocket b = new DatagramSocket(new InetSocketAddress(local, 0));
        UdpTransport t =
            UdpTransport.bind(
                loop,
                new TransportConfig(0, Optional.empty(), false, Optional.empty(), List.of(), 1),
                (d, n, s, ago) -> {})) {
      assertThat(t.sendsDirect()).isTrue();
      byte[] data = new byte[200];
      for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
      sendOnLoop(
          t,
          data,
          150,
          List.of(
              (InetSocketAddress) a.getLocalSocketAddress(),
              (InetSocketAddress) b.getLocalSocketAddress()));
      assertThat(receive(a)).isEqualTo(Arrays.copyOf(data, 150));
      assertThat(receive(b)).isEqualTo(Arrays.copyOf(data, 150));
      sendOnLoop(
          t, new byte[] {1, 2, 3}, 3, List.of((InetSocketAddress) a.getLocalSocketAddress()));
      assertThat(receive(a)).containsExactly(1, 2, 3);
    }
  }

  @Test
  void anIpv4BoundSocketSendsFromItsAddress() throws Exception {
    InetAddress local = InetAddress.getByName("127.0.0.1");
    try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(local, 0));
        UdpTransport t =
            UdpTransport.bind(
                loop,
                new TransportConfig(0, Optional.of(local), false, Optional.empty(), List.of(), 1),
                (d, n, s, ago) -> {})) {
      sendOnLoop(
          t, new byte[] {9, 8}, 2, List.of((InetSocketAddress) peer.getLocalSocketAddress()));
      var packet = new DatagramPacket(new byte[16], 16);
      peer.setSoTimeout(5000);
      peer.receive(packet);
      assertThat(Arrays.copyOf(packet.getData(), packet.getLength())).containsExactly(9, 8);
      assertThat(packet.getSocketAddress()).isEqualTo(t.localAddress());
    }
  }
}
