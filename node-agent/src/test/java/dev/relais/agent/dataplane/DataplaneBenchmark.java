package dev.relais.agent.dataplane;

import dev.relais.agent.netns.NetnsLab;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Data plane timings on the real kernel, in a throw-away namespace LAN (docs/benchmarks.md, "Data
 * plane"). Not a test: run by {@code node-agent/bench/dataplane.sh}, as root.
 *
 * <ol>
 *   <li>acquire → first GARP on the wire: {@code install} + {@code announce} on the new owner,
 *       until a packet socket in the client's namespace reads the new owner's gratuitous ARP;
 *   <li>link down → LinkChanged event (upper bound: includes starting {@code ip link set down});
 *   <li>lifetime expiry → VipRemoved event, beyond the lifetime.
 * </ol>
 */
public final class DataplaneBenchmark {
  private static final VirtualIp VIP =
      VirtualIp.of(NetnsLab.VIP4 + "/24", NetnsLab.LAN).withLabel("enp0s3:0");
  private static final Lifetime LIFETIME = Lifetime.expiring(Duration.ofSeconds(30));

  private DataplaneBenchmark() {}

  public static void main(String[] args) throws Exception {
    int takeovers = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int flaps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int expiries = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    LinkedBlockingQueue<DataplaneEvent> events = new LinkedBlockingQueue<>();
    try (NetnsLab lab = NetnsLab.tutorial();
        LinuxDataplane maitre = lab.inNamespace("maitre", () -> LinuxDataplane.open(events::add));
        LinuxDataplane esclave = lab.inNamespace("esclave", () -> LinuxDataplane.open(e -> {}));
        FrameCapture client =
            lab.inNamespace(
                "client",
                () ->
                    FrameCapture.open(LinkFrames.ETH_P_ARP, KernelTests.ifindex(lab, "client")))) {
      LinuxDataplane[] routers = {maitre, esclave};
      byte[][] macs = {mac(lab, "maitre"), mac(lab, "esclave")};
      takeovers(routers, macs, client, 20); // warm-up: JIT, caches
      report("acquire -> first GARP on the wire", takeovers(routers, macs, client, takeovers));
      ok(maitre.remove(VIP));
      ok(esclave.remove(VIP));
      report("link down -> LinkChanged event", linkDowns(lab, maitre, events, flaps));
      report(
          "lifetime expiry -> VipRemoved, beyond the lifetime", expiries(maitre, events, expiries));
    }
  }

  private static List<Long> takeovers(
      LinuxDataplane[] routers, byte[][] macs, FrameCapture client, int count) throws Exception {
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int to = i % 2;
      ok(routers[1 - to].remove(VIP));
      while (client.next(Duration.ofMillis(2)) != null) {
        // drain frames of the previous round
      }
      long start = System.nanoTime();
      CompletableFuture<DataplaneResult<VirtualIp>> installed = routers[to].install(VIP, LIFETIME);
      CompletableFuture<DataplaneResult<VirtualIp>> announced =
          routers[to].announce(VIP, Announcement.burst(1, Duration.ZERO));
      long seen = -1;
      while (seen < 0) {
        FrameCapture.Frame frame = client.next(Duration.ofSeconds(2));
        if (frame == null) {
          throw new IllegalStateException("no GARP seen in takeover " + i);
        }
        if (Arrays.equals(frame.slice(22, 6), macs[to])) {
          seen = frame.receivedNanos();
        }
      }
      ok(installed);
      ok(announced);
      nanos.add(seen - start);
    }
    return nanos;
  }

  private static List<Long> linkDowns(
      NetnsLab lab, LinuxDataplane maitre, LinkedBlockingQueue<DataplaneEvent> events, int count)
      throws Exception {
    ok(maitre.track(java.util.Set.of(NetnsLab.LAN)));
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.clear();
      long start = System.nanoTime();
      NetnsLab.ip("-n", lab.bridgeNamespace(), "link", "set", lab.bridgePort("maitre"), "down");
      awaitEvent(events, new DataplaneEvent.LinkChanged(NetnsLab.LAN, LinkState.DOWN));
      nanos.add(System.nanoTime() - start);
      NetnsLab.ip("-n", lab.bridgeNamespace(), "link", "set", lab.bridgePort("maitre"), "up");
      awaitEvent(events, new DataplaneEvent.LinkChanged(NetnsLab.LAN, LinkState.UP));
    }
    return nanos;
  }

  private static List<Long> expiries(
      LinuxDataplane maitre, LinkedBlockingQueue<DataplaneEvent> events, int count)
      throws Exception {
    Duration lifetime = Duration.ofSeconds(2);
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.clear();
      long start = System.nanoTime();
      ok(maitre.install(VIP, Lifetime.expiring(lifetime)));
      awaitEvent(events, new DataplaneEvent.VipRemoved(VIP));
      nanos.add(System.nanoTime() - start - lifetime.toNanos());
    }
    return nanos;
  }

  private static void awaitEvent(LinkedBlockingQueue<DataplaneEvent> events, DataplaneEvent wanted)
      throws InterruptedException {
    while (true) {
      DataplaneEvent event = events.poll(10, TimeUnit.SECONDS);
      if (event == null) {
        throw new IllegalStateException("no " + wanted + " within 10 s");
      }
      if (event.equals(wanted)) {
        return;
      }
    }
  }

  private static byte[] mac(NetnsLab lab, String role) {
    return HexFormat.ofDelimiter(":").parseHex(lab.host(role).mac());
  }

  private static <T> void ok(CompletableFuture<DataplaneResult<T>> future) throws Exception {
    if (future.get(10, TimeUnit.SECONDS) instanceof DataplaneResult.Failed<T>(DataplaneError e)) {
      throw new IllegalStateException(e.message());
    }
  }

  private static void report(String what, List<Long> nanos) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        Locale.ROOT,
        "%-52s n=%d  median %.3f ms  p90 %.3f ms  max %.3f ms  min %.3f ms%n",
        what,
        sorted.length,
        sorted[sorted.length / 2] / 1e6,
        sorted[(int) (sorted.length * 0.9)] / 1e6,
        sorted[sorted.length - 1] / 1e6,
        sorted[0] / 1e6);
  }
}
