package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.NetlinkMessages.AddressEntry;
import dev.relais.agent.dataplane.NetlinkMessages.LinkEntry;
import dev.relais.agent.dataplane.ffm.ErrnoException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane on the Linux kernel: rtnetlink for addresses and links, packet sockets for ARP/NA,
 * ICMP sockets for pings, all through {@code dataplane.ffm}.
 *
 * <p>Threads: address and announce work runs in call order on one ops thread (which owns the
 * netlink request socket and the packet send socket); probes and pings block, so they run on a
 * probe thread; a monitor thread reads netlink multicast and calls the listener. All three are
 * created by the thread that calls {@link #open}, so they and every socket they open live in that
 * thread's network namespace (the host's, for the agent; a test namespace in the kernel tests).
 */
public final class LinuxDataplane implements Dataplane {
  private static final Logger LOG = LoggerFactory.getLogger(LinuxDataplane.class);
  private static final String NET_ADMIN = "CAP_NET_ADMIN";
  private static final String NET_RAW = "CAP_NET_RAW";

  private final DataplaneListener listener;
  private final NetlinkMonitor monitor;
  private final ScheduledThreadPoolExecutor ops;
  private final ThreadPoolExecutor probes;
  private final IcmpProber icmp = new IcmpProber(RandomGenerator.getDefault());
  private final Map<Key, Held> held = new ConcurrentHashMap<>();
  private final Map<String, Device> devices = new ConcurrentHashMap<>();
  private final Map<String, LinkState> tracked = new ConcurrentHashMap<>();
  private final Announcer announcer = new Announcer(); // ops thread
  private RouteSocket route; // ops thread

  private record Key(InetAddress address, String device) {
    static Key of(VirtualIp vip) {
      return new Key(vip.address(), vip.device());
    }
  }

  /** A VIP we installed. {@code generation} (ops thread) ends older announcement chains. */
  private static final class Held {
    final VirtualIp vip;
    final int index;
    int generation;

    Held(VirtualIp vip, int index) {
      this.vip = vip;
      this.index = index;
    }
  }

  private LinuxDataplane(DataplaneListener listener, NetlinkMonitor monitor) {
    this.listener = listener;
    this.monitor = monitor;
    this.ops = new ScheduledThreadPoolExecutor(1, r -> thread(r, "relais-dataplane"));
    this.ops.setRemoveOnCancelPolicy(true);
    this.probes =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> thread(r, "relais-dataplane-probe"));
    // Create the worker threads now, on the opening thread, so they inherit its namespace.
    ops.prestartAllCoreThreads();
    probes.prestartAllCoreThreads();
    monitor.start(this::onNetlink, this::resync);
  }

  /** Opens the data plane in the calling thread's network namespace. */
  public static LinuxDataplane open(DataplaneListener listener) throws ErrnoException {
    return new LinuxDataplane(listener, NetlinkMonitor.open());
  }

  private static Thread thread(Runnable r, String name) {
    return Thread.ofPlatform().name(name).daemon().unstarted(r);
  }

  @Override
  public CompletableFuture<DataplaneResult<VirtualIp>> install(VirtualIp vip, Lifetime lifetime) {
    return onOps(
        "install " + vip,
        NET_ADMIN,
        () -> {
          Optional<Device> device = device(vip.device());
          if (device.isEmpty()) {
            return DataplaneResult.failed(new DataplaneError.MissingInterface(vip.device()));
          }
          int index = device.get().index();
          Key key = Key.of(vip);
          if (!held.containsKey(key)) {
            Optional<String> conflict = conflict(vip, index);
            if (conflict.isPresent()) {
              return DataplaneResult.failed(
                  new DataplaneError.AddressConflict(vip, conflict.get()));
            }
          }
          NetlinkMessages.Ack ack =
              route().request(seq -> NetlinkMessages.newAddress(seq, index, vip, lifetime));
          if (ack.errno() != 0) {
            return DataplaneResult.failed(kernel("install " + vip, NET_ADMIN, ack));
          }
          held.computeIfAbsent(key, k -> new Held(vip, index));
          return DataplaneResult.ok(vip);
        });
  }

  @Override
  public CompletableFuture<DataplaneResult<VirtualIp>> remove(VirtualIp vip) {
    return onOps(
        "remove " + vip,
        NET_ADMIN,
        () -> {
          held.remove(Key.of(vip)); // first, so the monitor does not report our own delete
          Optional<Device> device = device(vip.device());
          if (device.isEmpty()) {
            return DataplaneResult.ok(vip); // no interface, no address
          }
          int index = device.get().index();
          NetlinkMessages.Ack ack =
              route()
                  .request(
                      seq ->
                          NetlinkMessages.deleteAddress(seq, index, vip.address(), vip.prefix()));
          if (ack.errno() != 0 && ack.errno() != ErrnoException.EADDRNOTAVAIL) {
            return DataplaneResult.failed(kernel("remove " + vip, NET_ADMIN, ack));
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
          List<AddressEntry> present = addresses(NetlinkMessages.AF_UNSPEC);
          List<VirtualIp> removed = new ArrayList<>();
          for (VirtualIp vip : wanted) {
            Optional<Device> device = device(vip.device());
            if (device.isEmpty()) {
              continue;
            }
            for (AddressEntry entry : present) {
              if (entry.index() != device.get().index() || !entry.address().equals(vip.address())) {
                continue;
              }
              held.remove(Key.of(vip));
              NetlinkMessages.Ack ack =
                  route()
                      .request(
                          seq ->
                              NetlinkMessages.deleteAddress(
                                  seq, entry.index(), entry.address(), entry.prefix()));
              if (ack.errno() != 0 && ack.errno() != ErrnoException.EADDRNOTAVAIL) {
                return DataplaneResult.failed(kernel("remove stale " + vip, NET_ADMIN, ack));
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
          Held entry = held.get(Key.of(vip));
          if (entry == null) {
            return DataplaneResult.failed(new DataplaneError.NotHeld(vip));
          }
          int generation = ++entry.generation;
          Optional<Device> device = device(vip.device());
          if (device.isEmpty()) {
            return DataplaneResult.failed(new DataplaneError.MissingInterface(vip.device()));
          }
          announcer.round(device.get(), vip, announcement.forms());
          scheduleNext(entry, generation, announcement, announcement.count() - 1);
          return DataplaneResult.ok(vip);
        });
  }

  private void scheduleNext(Held entry, int generation, Announcement a, int burstLeft) {
    Duration delay = burstLeft > 0 ? a.interval() : a.refreshEvery();
    if (burstLeft <= 0 && delay.isZero()) {
      return;
    }
    ops.schedule(
        () -> {
          if (held.get(Key.of(entry.vip)) != entry || entry.generation != generation) {
            return; // removed, lost, or announced anew since
          }
          try {
            Optional<Device> device = device(entry.vip.device());
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
          refreshDevices();
          Map<String, LinkState> states = new LinkedHashMap<>();
          for (String name : wanted.stream().sorted().toList()) {
            states.put(
                name,
                Optional.ofNullable(devices.get(name)).map(Device::state).orElse(LinkState.ABSENT));
          }
          tracked.keySet().retainAll(wanted);
          tracked.putAll(states);
          return DataplaneResult.ok(Map.copyOf(states));
        });
  }

  @Override
  public CompletableFuture<DataplaneResult<OwnerProbe>> probeOwners(
      VirtualIp vip, Duration window) {
    return onOps(
            "resolve " + vip.device(),
            NET_ADMIN,
            () ->
                device(vip.device())
                    .<DataplaneResult<Device>>map(DataplaneResult::ok)
                    .orElseGet(
                        () ->
                            DataplaneResult.failed(
                                new DataplaneError.MissingInterface(vip.device()))))
        .thenApplyAsync(
            resolved ->
                switch (resolved) {
                  case DataplaneResult.Failed<Device>(DataplaneError error) ->
                      DataplaneResult.failed(error);
                  case DataplaneResult.Ok<Device>(Device device) ->
                      guarded(
                          "probe owners of " + vip,
                          NET_RAW,
                          () -> DataplaneResult.ok(OwnerProber.probe(device, vip, window)));
                },
            probes);
  }

  @Override
  public CompletableFuture<DataplaneResult<Reachability>> ping(PingGroup group, Duration timeout) {
    return CompletableFuture.supplyAsync(
        () ->
            guarded(
                "ping " + group.name(),
                NET_RAW + " (or net.ipv4.ping_group_range covering the agent's group)",
                () -> DataplaneResult.ok(icmp.ping(group, timeout))),
        probes);
  }

  @Override
  public void close() {
    monitor.close();
    CompletableFuture<Void> closed =
        CompletableFuture.runAsync(
            () -> {
              announcer.close();
              if (route != null) {
                route.close();
              }
            },
            ops);
    closed.join();
    ops.shutdownNow();
    probes.shutdownNow();
  }

  // --- ops-thread helpers ---

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

  private static DataplaneError kernel(
      String operation, String capability, NetlinkMessages.Ack ack) {
    return Failures.of(operation, capability, ack.errno(), ack.detail());
  }

  private RouteSocket route() throws ErrnoException {
    if (route == null) {
      route = RouteSocket.open();
    }
    return route;
  }

  private Optional<Device> device(String name) throws ErrnoException {
    Device known = devices.get(name);
    if (known != null) {
      return Optional.of(known);
    }
    refreshDevices();
    return Optional.ofNullable(devices.get(name));
  }

  private void refreshDevices() throws ErrnoException {
    Map<String, Device> fresh = new ConcurrentHashMap<>();
    route()
        .dump(
            NetlinkMessages::dumpLinks,
            m -> {
              LinkEntry link = NetlinkMessages.parseLink(m);
              fresh.put(link.name(), Device.of(link));
            });
    devices.keySet().retainAll(fresh.keySet());
    devices.putAll(fresh);
  }

  private List<AddressEntry> addresses(int family) throws ErrnoException {
    List<AddressEntry> entries = new ArrayList<>();
    route()
        .dump(
            seq -> NetlinkMessages.dumpAddresses(seq, family),
            m -> entries.add(NetlinkMessages.parseAddress(m)));
    return entries;
  }

  /** The VIP's address on another interface, or with another prefix, is a conflict. */
  private Optional<String> conflict(VirtualIp vip, int index) throws ErrnoException {
    int family = vip.isIpv4() ? NetlinkMessages.AF_INET : NetlinkMessages.AF_INET6;
    for (AddressEntry entry : addresses(family)) {
      if (entry.address().equals(vip.address())
          && (entry.index() != index || entry.prefix() != vip.prefix())) {
        String where =
            devices.values().stream()
                .filter(d -> d.index() == entry.index())
                .map(Device::name)
                .findFirst()
                .orElse("ifindex " + entry.index());
        return Optional.of(
            entry.address().getHostAddress() + "/" + entry.prefix() + " on " + where);
      }
    }
    return Optional.empty();
  }

  // --- monitor thread ---

  private void onNetlink(ByteBuffer message) {
    int type = message.getShort(message.position() + 4) & 0xFFFF;
    switch (type) {
      case NetlinkMessages.RTM_NEWLINK, NetlinkMessages.RTM_DELLINK -> {
        LinkEntry link = NetlinkMessages.parseLink(message);
        boolean gone = type == NetlinkMessages.RTM_DELLINK;
        if (gone) {
          devices.remove(link.name(), devices.get(link.name()));
        } else {
          devices.put(link.name(), Device.of(link));
        }
        linkState(link.name(), gone ? LinkState.ABSENT : link.state());
      }
      case NetlinkMessages.RTM_DELADDR -> {
        AddressEntry entry = NetlinkMessages.parseAddress(message);
        held.values().stream()
            .filter(h -> h.index == entry.index() && h.vip.address().equals(entry.address()))
            .findFirst()
            .filter(h -> held.remove(Key.of(h.vip), h))
            .ifPresent(h -> emit(new DataplaneEvent.VipRemoved(h.vip)));
      }
      default -> {}
    }
  }

  private void linkState(String name, LinkState state) {
    if (!tracked.containsKey(name)) {
      return;
    }
    LinkState before = tracked.put(name, state);
    if (before != state) {
      emit(new DataplaneEvent.LinkChanged(name, state));
    }
  }

  private void emit(DataplaneEvent event) {
    LOG.info("data plane event {}", event);
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.error("data plane listener failed on {}", event, e);
    }
  }

  /** After a monitor overflow: read links and held VIPs again and report what changed. */
  private void resync() {
    ops.execute(
        () -> {
          try {
            refreshDevices();
            tracked
                .keySet()
                .forEach(
                    name ->
                        linkState(
                            name,
                            Optional.ofNullable(devices.get(name))
                                .map(Device::state)
                                .orElse(LinkState.ABSENT)));
            List<AddressEntry> present = addresses(NetlinkMessages.AF_UNSPEC);
            for (Held h : List.copyOf(held.values())) {
              boolean there =
                  present.stream()
                      .anyMatch(e -> e.index() == h.index && e.address().equals(h.vip.address()));
              if (!there && held.remove(Key.of(h.vip), h)) {
                emit(new DataplaneEvent.VipRemoved(h.vip));
              }
            }
          } catch (ErrnoException e) {
            LOG.error("data plane resync failed: {}", e.getMessage());
          }
        });
  }
}
