package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.NetlinkMessages.AddressEntry;
import dev.relais.agent.dataplane.ffm.ErrnoException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane on the Linux kernel: rtnetlink for addresses and links, packet sockets for ARP/NA,
 * ICMP sockets for pings, all through {@code dataplane.ffm}.
 *
 * <p>Threads: address and announce work runs in call order on one ops thread, which owns the
 * netlink request socket and the packet send socket; probes and pings block, so they run on a few
 * probe threads; a monitor thread reads netlink multicast and calls the listener. All are created
 * by the thread that calls {@link #open}, so they and every socket they open live in that thread's
 * network namespace (the host's, for the agent; a test namespace in the kernel tests).
 */
public final class LinuxDataplane implements Dataplane {
  private static final Logger LOG = LoggerFactory.getLogger(LinuxDataplane.class);
  private static final String NET_ADMIN = "CAP_NET_ADMIN";
  private static final String NET_RAW = "CAP_NET_RAW";
  // Probes wait out their timeouts; a few threads keep one slow group from delaying the others.
  private static final int PROBE_THREADS = 3;

  private final NetlinkMonitor monitor;
  private final ScheduledThreadPoolExecutor ops;
  private final ThreadPoolExecutor probes;
  private final HeldVips held = new HeldVips();
  private final Map<String, Device> devices = new ConcurrentHashMap<>();
  private final KernelEvents events;
  private final Announcer announcer = new Announcer(); // ops thread
  private final KernelTables tables; // ops thread

  private LinuxDataplane(DataplaneListener listener, NetlinkMonitor monitor, int realtimePriority) {
    this.monitor = monitor;
    this.events = new KernelEvents(listener, held, devices, this::confirmLoss);
    this.tables = new KernelTables(devices);
    // The ops thread adds the VIP and sends the first GARP of a takeover: in the real-time class
    // with the agent's loop, a freshly started JVM's compiler threads cannot delay it.
    this.ops =
        new ScheduledThreadPoolExecutor(
            1, r -> thread(() -> runRealtime(realtimePriority, r), "relais-dataplane"));
    this.ops.setRemoveOnCancelPolicy(true);
    this.probes =
        new ThreadPoolExecutor(
            PROBE_THREADS,
            PROBE_THREADS,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> thread(r, "relais-dataplane-probe"));
    // Create the worker threads now, on the opening thread, so they inherit its namespace.
    ops.prestartAllCoreThreads();
    probes.prestartAllCoreThreads();
    monitor.start(events, this::resync);
    ops.execute(this::warmUp);
  }

  /**
   * Builds (never sends) the takeover's messages a few hundred times on the ops thread, reads the
   * address table once, and calls install and announce in ways that change nothing: on a freshly
   * started agent the first install + announce took 30 ms of class loading and interpretation, long
   * enough for a make-before-break confirmation to overtake the gratuitous ARP. Best effort: a
   * failure here only means a colder first takeover.
   */
  private void warmUp() {
    try {
      byte[] mac = new byte[6];
      VirtualIp v4 = VirtualIp.of("192.0.2.1/24", "warm0").withLabel("warm0:0");
      VirtualIp v6 = VirtualIp.of("2001:db8::1/64", "warm0");
      Lifetime lifetime = Lifetime.expiring(java.time.Duration.ofSeconds(10));
      for (int i = 0; i < 300; i++) {
        NetlinkMessages.newAddress(i, 1, v4, lifetime);
        NetlinkMessages.newAddress(i, 1, v6, Lifetime.permanent());
        LinkFrames.gratuitousArp(
            LinkFrames.ARPOP_REQUEST, mac, (java.net.Inet4Address) v4.address());
        LinkFrames.gratuitousArp(LinkFrames.ARPOP_REPLY, mac, (java.net.Inet4Address) v4.address());
        LinkFrames.unsolicitedAdvertisement(mac, (java.net.Inet6Address) v6.address());
        PacketAddress.link(LinkFrames.ETH_P_ARP, 1, mac);
      }
      tables.addresses(NetlinkMessages.AF_UNSPEC);
      // The entry points too (their call sites link on first use, on the caller's thread, which
      // is the agent's event loop): an interface that does not exist and a VIP not held make
      // both answer at once without touching the kernel.
      // A colon is not allowed in kernel interface names, so this device cannot exist.
      VirtualIp absent = VirtualIp.of("192.0.2.1/24", "relais:warm");
      install(absent, lifetime);
      announce(absent, Announcement.burst(1, java.time.Duration.ZERO));
    } catch (ErrnoException | RuntimeException e) {
      LOG.debug("data plane warm-up incomplete: {}", e.toString());
    }
  }

  /** Opens the data plane in the calling thread's network namespace. */
  public static LinuxDataplane open(DataplaneListener listener) throws ErrnoException {
    return open(listener, 0);
  }

  /** As {@link #open(DataplaneListener)}, the ops thread in SCHED_RR at this priority (0: not). */
  public static LinuxDataplane open(DataplaneListener listener, int realtimePriority)
      throws ErrnoException {
    return new LinuxDataplane(listener, NetlinkMonitor.open(), realtimePriority);
  }

  private static void runRealtime(int priority, Runnable work) {
    if (priority > 0) {
      dev.relais.agent.dataplane.ffm.RealtimeScheduling.enterRoundRobin(priority)
          .ifPresent(
              problem -> LOG.warn("data plane thread keeps the normal scheduler: {}", problem));
    }
    work.run();
  }

  private static Thread thread(Runnable r, String name) {
    return Thread.ofPlatform().name(name).daemon().unstarted(r);
  }

  @Override
  public CompletableFuture<DataplaneResult<VirtualIp>> install(VirtualIp vip, Lifetime lifetime) {
    String operation = "install " + vip;
    return onOps(
        operation,
        NET_ADMIN,
        () -> {
          Optional<Device> device = tables.device(vip.device());
          if (device.isEmpty()) {
            return DataplaneResult.failed(new DataplaneError.MissingInterface(vip.device()));
          }
          int index = device.get().index();
          if (!held.holds(vip)) {
            Optional<String> conflict = tables.conflict(vip, index);
            if (conflict.isPresent()) {
              return DataplaneResult.failed(
                  new DataplaneError.AddressConflict(vip, conflict.get()));
            }
          }
          NetlinkMessages.Ack ack =
              tables.request(seq -> NetlinkMessages.newAddress(seq, index, vip, lifetime));
          if (ack.errno() != 0) {
            return DataplaneResult.failed(Failures.of(operation, NET_ADMIN, ack));
          }
          held.add(vip, index);
          return DataplaneResult.ok(vip);
        });
  }

  @Override
  public CompletableFuture<DataplaneResult<VirtualIp>> remove(VirtualIp vip) {
    String operation = "remove " + vip;
    return onOps(
        operation,
        NET_ADMIN,
        () -> {
          held.forget(vip); // first, so the monitor does not report our own delete as a loss
          Optional<Device> device = tables.device(vip.device());
          if (device.isEmpty()) {
            return DataplaneResult.ok(vip); // no interface, no address
          }
          int index = device.get().index();
          NetlinkMessages.Ack ack =
              tables.request(
                  seq -> NetlinkMessages.deleteAddress(seq, index, vip.address(), vip.prefix()));
          if (ack.errno() != 0 && ack.errno() != ErrnoException.EADDRNOTAVAIL) {
            return DataplaneResult.failed(Failures.of(operation, NET_ADMIN, ack));
          }
          return DataplaneResult.ok(vip);
        });
  }

  @Override
  public CompletableFuture<DataplaneResult<List<VirtualIp>>> removeStale(
      Collection<VirtualIp> mustNotHold) {
    List<VirtualIp> wanted = List.copyOf(mustNotHold);
    return onOps(
        "remove stale VIPs",
        NET_ADMIN,
        () -> {
          List<AddressEntry> present = tables.addresses(NetlinkMessages.AF_UNSPEC);
          List<VirtualIp> removed = new ArrayList<>();
          for (VirtualIp vip : wanted) {
            Optional<Device> device = tables.device(vip.device());
            for (AddressEntry entry : present) {
              if (device.isEmpty()
                  || entry.index() != device.get().index()
                  || !entry.address().equals(vip.address())) {
                continue;
              }
              held.forget(vip);
              NetlinkMessages.Ack ack =
                  tables.request(
                      seq ->
                          NetlinkMessages.deleteAddress(
                              seq, entry.index(), entry.address(), entry.prefix()));
              if (ack.errno() != 0 && ack.errno() != ErrnoException.EADDRNOTAVAIL) {
                return DataplaneResult.failed(Failures.of("remove stale " + vip, NET_ADMIN, ack));
              }
              Optional<String> label =
                  entry.label().filter(l -> !l.equals(vip.device()) && l.startsWith(vip.device()));
              VirtualIp found = new VirtualIp(entry.address(), entry.prefix(), vip.device(), label);
              LOG.info("removed stale VIP {} left from an earlier run", found);
              removed.add(found);
            }
          }
          return DataplaneResult.ok(List.copyOf(removed));
        });
  }

  @Override
  public CompletableFuture<DataplaneResult<VirtualIp>> announce(
      VirtualIp vip, Announcement announcement) {
    return onOps(
        "announce " + vip,
        NET_RAW,
        () -> {
          HeldVips.Held entry = held.get(vip);
          if (entry == null) {
            return DataplaneResult.failed(new DataplaneError.NotHeld(vip));
          }
          int generation = ++entry.generation;
          Optional<Device> device = tables.device(vip.device());
          if (device.isEmpty()) {
            return DataplaneResult.failed(new DataplaneError.MissingInterface(vip.device()));
          }
          announcer.round(device.get(), vip, announcement.forms());
          scheduleNext(entry, generation, announcement, announcement.count() - 1);
          return DataplaneResult.ok(vip);
        });
  }

  /** The rest of a burst, then refreshes, each round on the ops thread while still held. */
  private void scheduleNext(HeldVips.Held entry, int generation, Announcement a, int burstLeft) {
    Duration delay = burstLeft > 0 ? a.interval() : a.refreshEvery();
    if (burstLeft <= 0 && delay.isZero()) {
      return;
    }
    ops.schedule(
        () -> {
          if (!held.current(entry) || entry.generation != generation) {
            return; // removed, lost, or announced anew since
          }
          try {
            Optional<Device> device = tables.device(entry.vip.device());
            if (device.isPresent()) {
              announcer.round(device.get(), entry.vip, a.forms());
            }
          } catch (ErrnoException e) {
            LOG.warn("announcing {} failed: {}", entry.vip, e.getMessage());
          }
          scheduleNext(entry, generation, a, burstLeft - 1);
        },
        delay.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  @Override
  public CompletableFuture<DataplaneResult<Map<String, LinkState>>> track(Set<String> names) {
    Set<String> wanted = Set.copyOf(names);
    return onOps(
        "track " + wanted,
        NET_ADMIN,
        () -> {
          tables.refreshDevices();
          Map<String, LinkState> states = new TreeMap<>();
          wanted.forEach(name -> states.put(name, events.current(name)));
          events.track(states);
          return DataplaneResult.ok(Map.copyOf(states));
        });
  }

  @Override
  public CompletableFuture<DataplaneResult<OwnerProbe>> probeOwners(
      VirtualIp vip, Duration window) {
    String operation = "probe owners of " + vip;
    return onProbe(
        operation,
        vip.device(),
        device ->
            guarded(
                operation,
                NET_RAW,
                () -> DataplaneResult.ok(OwnerProber.probe(device, vip, window))));
  }

  @Override
  public CompletableFuture<DataplaneResult<Reachability>> ping(PingGroup group, Duration timeout) {
    String operation = "ping " + group.name();
    if (group.arpDevice().isPresent()) {
      String name = group.arpDevice().get();
      return onProbe(
          operation,
          name,
          device ->
              guarded(
                  operation,
                  NET_RAW,
                  () -> DataplaneResult.ok(ArpPinger.ping(device, group, timeout))));
    }
    return CompletableFuture.supplyAsync(
        () ->
            guarded(
                operation,
                NET_RAW + " (or net.ipv4.ping_group_range covering the agent's group)",
                () -> DataplaneResult.ok(IcmpProber.ping(group, timeout))),
        probes);
  }

  /** Resolves the interface on the ops thread (which owns the cache), then probes off it. */
  private <T> CompletableFuture<DataplaneResult<T>> onProbe(
      String operation,
      String deviceName,
      java.util.function.Function<Device, DataplaneResult<T>> probe) {
    return onOps(
            operation,
            NET_ADMIN,
            () ->
                tables
                    .device(deviceName)
                    .<DataplaneResult<Device>>map(DataplaneResult::ok)
                    .orElseGet(
                        () ->
                            DataplaneResult.failed(
                                new DataplaneError.MissingInterface(deviceName))))
        .thenApplyAsync(
            resolved ->
                switch (resolved) {
                  case DataplaneResult.Failed<Device>(DataplaneError error) ->
                      DataplaneResult.failed(error);
                  case DataplaneResult.Ok<Device>(Device device) -> probe.apply(device);
                },
            probes);
  }

  @Override
  public void close() {
    monitor.close();
    CompletableFuture.runAsync(
            () -> {
              announcer.close();
              tables.close();
            },
            ops)
        .join();
    ops.shutdownNow();
    probes.shutdownNow();
  }

  private interface Work<T> {
    DataplaneResult<T> run() throws ErrnoException;
  }

  private <T> CompletableFuture<DataplaneResult<T>> onOps(
      String operation, String capability, Work<T> work) {
    return CompletableFuture.supplyAsync(() -> guarded(operation, capability, work), ops);
  }

  private static <T> DataplaneResult<T> guarded(String operation, String capability, Work<T> work) {
    try {
      return work.run();
    } catch (ErrnoException e) {
      return DataplaneResult.failed(Failures.of(operation, capability, e.errno(), e.call()));
    }
  }

  /** Reports a held VIP as lost if the kernel really no longer has it (ops thread). */
  private void confirmLoss(HeldVips.Held entry) {
    ops.execute(
        () -> {
          if (!held.current(entry)) {
            return;
          }
          try {
            boolean present =
                tables
                    .addresses(
                        entry.vip.isIpv4() ? NetlinkMessages.AF_INET : NetlinkMessages.AF_INET6)
                    .stream()
                    .anyMatch(
                        e -> e.index() == entry.index && e.address().equals(entry.vip.address()));
            if (!present) {
              events.lost(entry);
            }
          } catch (ErrnoException e) {
            LOG.error(
                "checking {} after a delete notification failed: {}", entry.vip, e.getMessage());
            events.lost(entry);
          }
        });
  }

  /** After a monitor overflow: reads links and held VIPs again and reports what changed. */
  private void resync() {
    ops.execute(
        () -> {
          try {
            tables.refreshDevices();
            events.tracked().forEach(name -> events.linkState(name, events.current(name)));
            held.all().forEach(this::confirmLoss);
          } catch (ErrnoException e) {
            LOG.error("data plane resync failed: {}", e.getMessage());
          }
        });
  }
}
