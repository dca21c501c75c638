package dev.relais.model;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/** One virtual IP on an interface, with heartbeat's optional alias label. */
public record VirtualIp(InetAddress address, int prefix, String iface, Optional<String> label) {
  public VirtualIp {
    int max = address instanceof Inet4Address ? 32 : 128;
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException("prefix " + prefix + " out of range for " + address);
    }
  }

  /** {@code 192.168.200.10/24}, as users write it. */
  public String cidr() {
    return address.getHostAddress() + "/" + prefix;
  }
}
