package dev.relais.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer's connected socket with deferred reads (loopback, epoll): its datagrams wait in the
 * kernel's queue, nobody is woken, and a drain hands them over in order, each with how long it
 * waited by the kernel's receive timestamp; undeferred, netty reads them as they come again.
 */
class DeferredReadsTest {
  private static final InetAddress LOCAL = address("127.0.0.1");
  private static final InetAddress PEER = address("127.0.0.2");

  private final EventLoopGroup loop = EventLoops.single("deferred-reads-test");

  /** One datagram as the receiver saw it. */
  private record Seen(byte first, int length, long agoNanos) {}

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

  private <T> T onLoop(java.util.concurrent.Callable<T> work) throws Exception {
    var done = new CompletableFuture<T>();
    loop.execute(
        () -> {
          try {
            done.complete(work.call());
          } catch (Exception e) {
            done.completeExceptionally(e);
          }
        });
    return done.get(5, TimeUnit.SECONDS);
  }

  @Test
  void datagramsWaitUnreadUntilDrainedAndCarryTheirWait() throws Exception {
    assertThat(EventLoops.epoll()).as("netty's epoll transport on Linux").isTrue();
    var seen = new CopyOnWriteArrayList<Seen>();
    try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(PEER, 0));
        UdpTransport lane =
            UdpTransport.bind(
                loop,
                new TransportConfig(0, Optional.of(LOCAL), false, Optional.empty(), List.of(), 1)
                    .connectedTo((InetSocketAddress) peer.getLocalSocketAddress()),
                (d, n, s, ago) -> {
                  assertThat(s).isEqualTo(peer.getLocalSocketAddress());
                  seen.add(new Seen(d[0], n, ago));
                })) {
      assertThat(lane.deferrable()).isTrue();
      onLoop(
          () -> {
            lane.deferReads(true);
            return null;
          });
      InetSocketAddress to = lane.localAddress();
      for (byte i = 1; i <= 3; i++) {
        peer.send(new DatagramPacket(new byte[] {i, 0, 0}, 3, to));
      }
      Thread.sleep(60);
      assertThat(seen).as("nothing read while deferred").isEmpty();
      long beforeDrain = System.nanoTime();
      int drained = onLoop(lane::drain);
      long drainTook = System.nanoTime() - beforeDrain;
      assertThat(drained).isEqualTo(3);
      assertThat(seen).extracting(Seen::first).containsExactly((byte) 1, (byte) 2, (byte) 3);
      assertThat(seen).extracting(Seen::length).containsOnly(3);
      // Sent 60 ms before the drain: the kernel's timestamps say so, within the drain's own time.
      assertThat(seen)
          .allSatisfy(
              s ->
                  assertThat(s.agoNanos())
                      .isBetween(50_000_000L, 60_000_000L + drainTook + 50_000_000L));
      assertThat((int) onLoop(lane::drain)).as("an empty queue").isZero();

      seen.clear();
      onLoop(
          () -> {
            lane.deferReads(false);
            return null;
          });
      peer.send(new DatagramPacket(new byte[] {9}, 1, to));
      Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> seen.size() == 1);
      assertThat(seen.get(0)).isEqualTo(new Seen((byte) 9, 1, 0));
      assertThat((int) onLoop(lane::drain)).as("drain does nothing when not deferred").isZero();
    }
  }

  @Test
  void onlyAPeersOwnSocketDefers() throws Exception {
    try (UdpTransport path =
            UdpTransport.bind(
                loop,
                new TransportConfig(0, Optional.of(LOCAL), false, Optional.empty(), List.of(), 1),
                (d, n, s, ago) -> {});
        UdpTransport budgeted =
            UdpTransport.bind(
                loop,
                new TransportConfig(0, Optional.of(LOCAL), false, Optional.empty(), List.of(), 1)
                    .connectedTo(new InetSocketAddress(PEER, 9))
                    .readingAtMost(100),
                (d, n, s, ago) -> {})) {
      assertThat(path.deferrable()).as("strangers reach it").isFalse();
      assertThat(budgeted.deferrable()).as("its budget toggles reading").isFalse();
    }
  }
}
