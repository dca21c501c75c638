package dev.relais.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.HeartbeatCodec;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Datagrams over loopback, at the sizes heartbeats reach. */
class UdpTransportTest {
  static TransportConfig loopback() {
    return new TransportConfig(
        0, Optional.of(InetAddress.getLoopbackAddress()), false, Optional.empty(), List.of(), 1);
  }

  @Test
  void theLargestHeartbeatArrivesWholeAndALongerDatagramArrivesCutOneBytePastIt() throws Exception {
    EventLoopGroup loop = EventLoops.single("udp-test");
    BlockingQueue<Integer> lengths = new ArrayBlockingQueue<>(4);
    BlockingQueue<Byte> lastBytes = new ArrayBlockingQueue<>(4);
    try (UdpTransport receiver =
            UdpTransport.bind(
                loop,
                loopback(),
                (data, length, sender, ago) -> {
                  lengths.add(length);
                  lastBytes.add(data[length - 1]);
                });
        UdpTransport sender = UdpTransport.bind(loop, loopback(), (d, l, s, ago) -> {})) {
      int max = HeartbeatCodec.MAX_DATAGRAM_BYTES;
      for (int size : List.of(max, max + 1, 5_800)) {
        byte[] datagram = new byte[size];
        datagram[Math.min(size, max + 1) - 1] = 42;
        sender.send(
            datagram,
            size,
            List.of(
                new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), receiver.localAddress().getPort())));
        // Cut at the buffer, so the codec sees more than a heartbeat can be: OVERSIZED.
        assertThat(lengths.poll(5, TimeUnit.SECONDS)).isEqualTo(Math.min(size, max + 1));
        assertThat(lastBytes.poll(5, TimeUnit.SECONDS)).isEqualTo((byte) 42);
      }
    } finally {
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }
  }
}
