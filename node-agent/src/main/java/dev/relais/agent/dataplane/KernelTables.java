package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.NetlinkMessages.AddressEntry;
import dev.relais.agent.dataplane.NetlinkMessages.LinkEntry;
import dev.relais.agent.dataplane.ffm.ErrnoException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The ops thread's view of the kernel's link and address tables over its own NETLINK_ROUTE socket
 * (opened on first use). The interface cache is shared with the monitor, which keeps it fresh
 * between dumps. Confined to the ops thread.
 */
final class KernelTables implements AutoCloseable {
  private final Map<String, Device> devices;
  private RouteSocket route;

  KernelTables(Map<String, Device> devices) {
    this.devices = devices;
  }

  NetlinkMessages.Ack request(IntFunction<ByteBuffer> build) throws ErrnoException {
    return route().request(build);
  }

  /** The interface by name: from the cache, else from a fresh link dump. */
  Optional<Device> device(String name) throws ErrnoException {
    Device known = devices.get(name);
    if (known != null) {
      return Optional.of(known);
    }
    refreshDevices();
    return Optional.ofNullable(devices.get(name));
  }

  void refreshDevices() throws ErrnoException {
    Map<String, Device> fresh = new TreeMap<>();
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

  List<AddressEntry> addresses(int family) throws ErrnoException {
    List<AddressEntry> entries = new ArrayList<>();
    route()
        .dump(
            seq -> NetlinkMessages.dumpAddresses(seq, family),
            m -> entries.add(NetlinkMessages.parseAddress(m)));
    return entries;
  }

  /** The VIP's address on another interface, or with another prefix, is a conflict. */
  Optional<String> conflict(VirtualIp vip, int index) throws ErrnoException {
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

  private RouteSocket route() throws ErrnoException {
    if (route == null) {
      route = RouteSocket.open();
    }
    return route;
  }

  @Override
  public void close() {
    if (route != null) {
      route.close();
      route = null;
    }
  }
}
