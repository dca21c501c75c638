package dev.relais.cli;

import static dev.relais.cli.Diagnostic.HARESOURCES;

import dev.relais.api.v1alpha1.VipGroupSpec;
import dev.relais.api.v1alpha1.VipSpec;
import dev.relais.cli.Haresources.Agent;
import dev.relais.cli.Haresources.Resource;
import dev.relais.cli.Haresources.ResourceGroup;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * haresources → VIP groups: one group per line, preferred by the line's node (two lines preferring
 * different nodes make an active/active pair). IPaddr's alias {@code NIC:N} becomes the label,
 * numbered in file order; IPaddr2 gets a label only where it names one. Other resources are listed,
 * never dropped silently.
 */
final class VipMapper {
  private VipMapper() {}

  static List<VipGroupSpec> map(Haresources hr, Set<String> nodes, List<Diagnostic> out) {
    if (hr.groups().isEmpty()) {
      out.add(
          Diagnostic.error(
              HARESOURCES,
              hr.lineCount(),
              "no resource group (end of file reached): add a line such as 'node1"
                  + " IPaddr::192.168.1.10/24/eth0'"));
      return List.of();
    }
    Set<String> labels = new HashSet<>();
    hr.groups().stream()
        .flatMap(g -> g.resources().stream())
        .forEach(
            r -> {
              if (r instanceof Resource.Vip v) v.label().ifPresent(labels::add);
            });
    Map<String, Integer> nextAlias = new HashMap<>();
    Map<InetAddress, Integer> seen = new HashMap<>();
    List<VipGroupSpec> groups = new ArrayList<>();
    for (ResourceGroup g : hr.groups()) {
      if (!nodes.contains(g.preferredNode())) {
        out.add(
            Diagnostic.error(
                HARESOURCES,
                g.line(),
                "node " + g.preferredNode() + " is not listed in ha.cf's node lines"));
      }
      List<VipSpec> vips = new ArrayList<>();
      List<InetAddress> addresses = new ArrayList<>();
      for (Resource r : g.resources()) {
        switch (r) {
          case Resource.Vip v -> {
            Integer before = seen.putIfAbsent(v.address(), v.line());
            if (before != null) {
              out.add(
                  Diagnostic.error(
                      HARESOURCES,
                      v.line(),
                      v.address().getHostAddress() + " is already a resource on line " + before));
            } else {
              vip(v, labels, nextAlias, out).ifPresent(vips::add);
              addresses.add(v.address());
            }
          }
          case Resource.Other o -> other(o, g, out);
        }
      }
      if (vips.isEmpty()) {
        if (addresses.isEmpty()) {
          out.add(
              Diagnostic.warning(
                  HARESOURCES,
                  g.line(),
                  "the group of node "
                      + g.preferredNode()
                      + " is not mapped: it has no IPaddr/IPaddr2 address, and Relais moves"
                      + " addresses only"));
        }
        continue;
      }
      String name = "vip-" + addresses.getFirst().getHostAddress().replace('.', '-');
      groups.add(new VipGroupSpec(name, g.preferredNode(), vips));
    }
    if (groups.isEmpty() && out.stream().noneMatch(Diagnostic::isError)) {
      out.add(
          Diagnostic.error(
              HARESOURCES,
              hr.groups().getFirst().line(),
              "no line has an IPaddr/IPaddr2 address: a RouterCluster needs at least one VIP"));
    }
    return groups;
  }

  private static Optional<VipSpec> vip(
      Resource.Vip v, Set<String> labels, Map<String, Integer> nextAlias, List<Diagnostic> out) {
    String where = v.text();
    if (v.prefix().isEmpty() || v.iface().isEmpty()) {
      out.add(
          Diagnostic.error(
              HARESOURCES,
              v.line(),
              where
                  + ": needs "
                  + (v.prefix().isEmpty() ? "a prefix length" : "an interface")
                  + " (heartbeat found it from the route to the address, Relais does not guess):"
                  + " write "
                  + v.agent().scriptName()
                  + "::"
                  + v.address().getHostAddress()
                  + "/"
                  + (v.prefix().isEmpty() ? "24" : v.prefix().getAsInt())
                  + "/"
                  + v.iface().orElse("eth0")));
      return Optional.empty();
    }
    int prefix = v.prefix().getAsInt();
    String iface = v.iface().get();
    v.broadcast()
        .filter(b -> !b.equals(highest(v.address(), prefix)))
        .ifPresent(
            b ->
                out.add(
                    Diagnostic.warning(
                        HARESOURCES,
                        v.line(),
                        where
                            + ": broadcast "
                            + b.getHostAddress()
                            + " is not mapped: Relais uses the subnet's last address ("
                            + highest(v.address(), prefix).getHostAddress()
                            + ")")));
    String label = v.label().orElse(null);
    if (label == null && v.agent() == Agent.IPADDR) {
      // IPaddr adds the address as the first free alias NIC:N (heartbeat-3.md §4.3). One counter
      // per interface, only ever moving up past labels written explicitly: linear in the file
      // (a scan from 0 for each address took 36 s for 32,000 lines).
      int n = nextAlias.getOrDefault(iface, 0);
      while (labels.contains(iface + ":" + n)) n++;
      nextAlias.put(iface, n + 1);
      label = iface + ":" + n;
      if (label.length() > 15) {
        out.add(
            Diagnostic.warning(
                HARESOURCES,
                v.line(),
                where + ": alias " + label + " is longer than 15 characters; no label is set"));
        label = null;
      } else {
        labels.add(label);
      }
    }
    return Optional.of(new VipSpec(v.address().getHostAddress() + "/" + prefix, iface, label));
  }

  private static void other(Resource.Other o, ResourceGroup g, List<Diagnostic> out) {
    if (o.agent().equals("SendArp")) {
      out.add(
          Diagnostic.note(
              HARESOURCES,
              o.line(),
              o.text() + " is not needed: Relais announces every VIP on takeover (spec.announce)"));
      return;
    }
    out.add(
        Diagnostic.warning(
            HARESOURCES,
            o.line(),
            "resource "
                + o.text()
                + " of node "
                + g.preferredNode()
                + " is not mapped: Relais moves addresses (IPaddr, IPaddr2) only; run "
                + o.agent()
                + " outside Relais"));
  }

  /** The subnet's last address: IPaddr's default broadcast. */
  static InetAddress highest(InetAddress address, int prefix) {
    byte[] b = address.getAddress();
    for (int bit = prefix; bit < b.length * 8; bit++) b[bit / 8] |= (byte) (0x80 >>> (bit % 8));
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a 4- or 16-byte array is always an address", e);
    }
  }
}
