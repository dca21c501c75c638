package dev.relais.model;

import java.util.List;
import java.util.Optional;

/** VIPs that move together, with the node that holds them when healthy. */
public record VipGroup(
    String name, String preferredNode, Optional<String> requestedNode, List<VirtualIp> vips) {
  public VipGroup {
    vips = List.copyOf(vips);
    if (vips.isEmpty()) {
      throw new IllegalArgumentException("VIP group " + name + " has no address");
    }
  }
}
