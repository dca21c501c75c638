package dev.relais.cli;

import static dev.relais.cli.Diagnostic.HA_CF;

import dev.relais.api.v1alpha1.HeartbeatSpec;
import dev.relais.api.v1alpha1.Transport;
import dev.relais.cli.HaCf.Medium;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ha.cf media → transport, port, interfaces and node addresses. heartbeat sends on every medium at
 * once; Relais on one transport, so the first medium's kind wins and the others are listed. A
 * {@code ucast} line names a peer address but not its node: explicit {@code --node-address} entries
 * map it first, then the node names' resolved addresses.
 */
final class MediaMapper {
  private MediaMapper() {}

  /** The transport part of the spec, and each node's heartbeat addresses. */
  record Mapped(HeartbeatSpec heartbeat, Map<String, List<String>> nodeAddresses) {}

  static Mapped map(
      HaCf haCf,
      Map<String, List<InetAddress>> explicit,
      NameResolver resolver,
      List<Diagnostic> out) {
    HeartbeatSpec hb = new HeartbeatSpec();
    Map<String, List<String>> addresses = new LinkedHashMap<>();
    haCf.nodes().forEach(n -> addresses.put(n.value(), new ArrayList<>()));
    explicit.forEach((node, list) -> list.forEach(a -> add(addresses, node, a)));
    if (haCf.media().isEmpty()) {
      out.add(
          Diagnostic.error(
              HA_CF,
              haCf.lineCount(),
              "no heartbeat medium (end of file reached): add a bcast, mcast or ucast line, e.g."
                  + " 'bcast eth0'"));
      return new Mapped(hb, addresses);
    }
    Medium first = haCf.media().getFirst();
    List<Medium> chosen = new ArrayList<>();
    Set<Integer> warned = new HashSet<>();
    for (Medium m : haCf.media()) {
      if (m.getClass() != first.getClass()) {
        if (!warned.add(m.line())) continue; // one warning for 'bcast eth2 eth3'

        out.add(
            Diagnostic.warning(
                HA_CF,
                m.line(),
                m.kind()
                    + " is not mapped: Relais sends heartbeats over one transport, here "
                    + first.kind()
                    + " from line "
                    + first.line()));
      } else if (m instanceof Medium.Mcast mc
          && first instanceof Medium.Mcast f
          && (!mc.group().equals(f.group()) || mc.port() != f.port() || mc.ttl() != f.ttl())) {
        out.add(
            Diagnostic.warning(
                HA_CF,
                m.line(),
                "mcast with another group, port or ttl than line "
                    + f.line()
                    + " is not mapped: Relais uses one multicast group"));
      } else {
        chosen.add(m);
      }
    }
    for (Medium m : chosen) {
      if (m.port() != first.port()) {
        out.add(
            Diagnostic.error(
                HA_CF,
                m.line(),
                m.kind()
                    + " uses port "
                    + m.port()
                    + " but line "
                    + first.line()
                    + " uses "
                    + first.port()
                    + ": Relais uses one port (put one udpport before all media)"));
      }
    }
    hb.port = first.port();
    switch (first) {
      case Medium.Bcast b -> {
        hb.transport = Transport.Broadcast;
        hb.interfaces = interfaces(chosen);
      }
      case Medium.Mcast mc -> {
        hb.transport = Transport.Multicast;
        hb.interfaces = interfaces(chosen);
        hb.multicastGroup = mc.group().getHostAddress();
        hb.multicastTtl = mc.ttl();
      }
      case Medium.Ucast u -> {
        hb.transport = Transport.Unicast;
        unicast(haCf, chosen, explicit, resolver, addresses, out);
      }
    }
    return new Mapped(hb, addresses);
  }

  private static List<String> interfaces(List<Medium> media) {
    return media.stream()
        .map(
            m ->
                switch (m) {
                  case Medium.Bcast b -> b.iface();
                  case Medium.Mcast mc -> mc.iface();
                  case Medium.Ucast u -> u.iface();
                })
        .distinct()
        .toList();
  }

  private static void unicast(
      HaCf haCf,
      List<Medium> ucasts,
      Map<String, List<InetAddress>> explicit,
      NameResolver resolver,
      Map<String, List<String>> addresses,
      List<Diagnostic> out) {
    Map<InetAddress, String> owner = new HashMap<>();
    explicit.forEach((node, list) -> list.forEach(a -> owner.put(a, node)));
    Map<String, List<InetAddress>> resolved = new HashMap<>();
    for (Located<String> node : haCf.nodes()) {
      List<InetAddress> list =
          resolver.resolve(node.value()).stream()
              .filter(a -> !a.isLoopbackAddress() && !a.isAnyLocalAddress())
              .toList();
      resolved.put(node.value(), list);
      list.forEach(a -> owner.putIfAbsent(a, node.value()));
    }
    for (Medium m : ucasts) {
      InetAddress peer = ((Medium.Ucast) m).peer();
      String node = owner.get(peer);
      if (node == null) {
        out.add(
            Diagnostic.error(
                HA_CF,
                m.line(),
                "ucast peer "
                    + peer.getHostAddress()
                    + " belongs to no node (no node name resolves to it): add --node-address"
                    + " NAME="
                    + peer.getHostAddress()));
      } else {
        add(addresses, node, peer);
      }
    }
    for (Located<String> node : haCf.nodes()) {
      List<String> mine = addresses.get(node.value());
      if (!mine.isEmpty()) continue;
      List<InetAddress> fallback = resolved.getOrDefault(node.value(), List.of());
      if (fallback.isEmpty()) {
        out.add(
            Diagnostic.error(
                HA_CF,
                node.line(),
                "node "
                    + node.value()
                    + " has no heartbeat address: no ucast line names it (a node's own ha.cf"
                    + " lists only its peers) and its name does not resolve; add --node-address "
                    + node.value()
                    + "=IP"));
      } else {
        fallback.forEach(a -> add(addresses, node.value(), a));
        out.add(
            Diagnostic.warning(
                HA_CF,
                node.line(),
                "node "
                    + node.value()
                    + ": no ucast line names it, so its address "
                    + String.join(", ", mine)
                    + " comes from resolving its name; check it is the heartbeat path or set"
                    + " --node-address"));
      }
    }
  }

  private static void add(Map<String, List<String>> addresses, String node, InetAddress a) {
    List<String> list = addresses.computeIfAbsent(node, n -> new ArrayList<>());
    if (!list.contains(a.getHostAddress())) list.add(a.getHostAddress());
  }
}
