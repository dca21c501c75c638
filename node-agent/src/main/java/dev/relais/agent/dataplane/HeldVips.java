package dev.relais.agent.dataplane;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The VIPs this data plane installed and still holds, keyed by address and interface. Written by
 * the ops thread; read by the monitor thread, which asks the ops thread to confirm a loss.
 */
final class HeldVips {
  /** One held VIP. {@code generation} is ops-thread only and ends older announcement chains. */
  static final class Held {
    final VirtualIp vip;
    final int index;
    int generation;

    Held(VirtualIp vip, int index) {
      this.vip = vip;
      this.index = index;
    }
  }

  private record Key(InetAddress address, String device) {
    static Key of(VirtualIp vip) {
      return new Key(vip.address(), vip.device());
    }
  }

  private final Map<Key, Held> held = new ConcurrentHashMap<>();

  Held get(VirtualIp vip) {
    return held.get(Key.of(vip));
  }

  boolean holds(VirtualIp vip) {
    return held.containsKey(Key.of(vip));
  }

  /** True while {@code entry} is still the live record for its VIP. */
  boolean current(Held entry) {
    return held.get(Key.of(entry.vip)) == entry;
  }

  void add(VirtualIp vip, int index) {
    held.computeIfAbsent(Key.of(vip), k -> new Held(vip, index));
  }

  void forget(VirtualIp vip) {
    held.remove(Key.of(vip));
  }

  /** The held VIP at this interface index and address, if any. */
  Optional<Held> find(int index, InetAddress address) {
    return held.values().stream()
        .filter(h -> h.index == index && h.vip.address().equals(address))
        .findFirst();
  }

  /** Forgets exactly this record; false if it was already replaced or forgotten. */
  boolean forget(Held entry) {
    return held.remove(Key.of(entry.vip), entry);
  }

  List<Held> all() {
    return List.copyOf(held.values());
  }
}
