package dev.relais.agent.dataplane;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * A virtual address on one interface, as heartbeat's {@code IPaddr::192.168.200.10/24/enp0s3}. The
 * optional label (IPv4 only, the kernel keeps none for IPv6) is what {@code ip addr} shows, e.g.
 * {@code enp0s3:0}; iproute2 expects it to start with the device name and the kernel caps it at 15
 * characters (IFNAMSIZ - 1).
 */
public record VirtualIp(InetAddress address, int prefix, String device, Optional<String> label) {
  private static final int IFNAMSIZ = 16;

  public VirtualIp {
    if (address == null || device == null || label == null) {
      throw new IllegalArgumentException("address, device and label must be given");
    }
    int max = address instanceof Inet4Address ? 32 : 128;
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException("prefix " + prefix + " out of range for " + address);
    }
    if (device.isEmpty() || device.length() >= IFNAMSIZ || device.contains("/")) {
      throw new IllegalArgumentException("bad interface name '" + device + "'");
    }
    if (label.isPresent()) {
      String l = label.get();
      if (!(address instanceof Inet4Address)) {
        throw new IllegalArgumentException("labels exist for IPv4 only, not for " + address);
      }
      if (!l.startsWith(device) || l.length() >= IFNAMSIZ) {
        throw new IllegalArgumentException(
            "label '" + l + "' must start with '" + device + "' and be at most 15 characters");
      }
    }
  }

  /** Parses {@code ADDRESS/PREFIX} (no name lookups: literals only). */
  public static VirtualIp of(String cidr, String device) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("expected ADDRESS/PREFIX, got '" + cidr + "'");
    }
    InetAddress address = Addresses.literal(cidr.substring(0, slash));
    return new VirtualIp(
        address, Integer.parseInt(cidr.substring(slash + 1)), device, Optional.empty());
  }

  public VirtualIp withLabel(String newLabel) {
    return new VirtualIp(address, prefix, device, Optional.of(newLabel));
  }

  public boolean isIpv4() {
    return address instanceof Inet4Address;
  }

  @Override
  public String toString() {
    return address.getHostAddress()
        + "/"
        + prefix
        + " dev "
        + device
        + label.map(l -> " label " + l).orElse("");
  }
}
