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

/** A socket read at most N datagrams a second: a flood is cut, and reading resumes after it. */
class ReadBudgetTest {
  private final EventLoopGroup loop = EventLoops.single("read-budget-test");

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }

  @Test
  void aFloodIsReadAtTheBudgetAndTheSocketReadsAgainOnceItStops() throws Exception {
    int perSecond = 1000;
    AtomicInteger read = new AtomicInteger();
    TransportConfig config =
        new TransportConfig(
                0,
                Optional.of(InetAddress.getLoopbackAddress()),
                false,
                Optional.empty(),
                List.of(),
                1)
            .readingAtMost(perSecond);
    try (DatagramSocket flooder =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        UdpTransport socket =
            UdpTransport.bind(loop, config, (d, n, s, ago) -> read.incrementAndGet())) {
      byte[] datagram = new byte[200];
      long start = System.nanoTime();
      int sent = 50_000;
      for (int i = 0; i < sent; i++) {
        flooder.send(new DatagramPacket(datagram, datagram.length, socket.localAddress()));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      // What was read while the flood lasted, plus one queue's worth read after it.
      int duringFlood = read.get();
      assertThat(duringFlood).isLessThanOrEqualTo((int) (perSecond * (seconds + 0.02)) + 10);
      int[] last = {-1};
      Awaitility.await()
          .atMost(5, TimeUnit.SECONDS)
          .pollInterval(100, TimeUnit.MILLISECONDS)
          .until(
              () -> {
                int now = read.get();
                boolean settled = now == last[0];
                last[0] = now;
                return settled;
              });
      assertThat(read.get()).isLessThan(sent / 10);
      // Calm again: the next datagram is read.
      int before = read.get();
      flooder.send(new DatagramPacket(datagram, datagram.length, socket.localAddress()));
      Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> read.get() == before + 1);
    }
  }

  @Test
  void belowTheBudgetEveryDatagramIsRead() throws Exception {
    AtomicInteger read = new AtomicInteger();
    TransportConfig config =
        new TransportConfig(
                0,
                Optional.of(InetAddress.getLoopbackAddress()),
                false,
                Optional.empty(),
                List.of(),
                1)
            .readingAtMost(100_000);
    try (DatagramSocket sender =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        UdpTransport socket =
            UdpTransport.bind(loop, config, (d, n, s, ago) -> read.incrementAndGet())) {
      for (int i = 0; i < 50; i++) {
        sender.send(new DatagramPacket(new byte[100], 100, socket.localAddress()));
      }
      Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> read.get() == 50);
    }
  }
}
