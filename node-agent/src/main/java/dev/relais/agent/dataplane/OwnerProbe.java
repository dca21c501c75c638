package dev.relais.agent.dataplane;

import java.util.Set;

/** Result of a duplicate-owner probe: every other link-layer address that answered for the VIP. */
public record OwnerProbe(VirtualIp vip, String ownMac, Set<String> otherMacs) {
  public OwnerProbe {
    otherMacs = Set.copyOf(otherMacs);
  }

  public boolean duplicated() {
    return !otherMacs.isEmpty();
  }
}
