package dev.relais.agent.dataplane;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Heartbeat's {@code ping} (one target) or {@code ping_group} (several): a group is reachable while
 * any member answers. Members are probed with ICMP echo, or, with {@code arpDevice}, with an ARP
 * probe on that interface: an on-link gateway that drops ICMP still answers ARP.
 */
public record PingGroup(String name, List<InetAddress> targets, Optional<String> arpDevice) {
  public PingGroup {
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("ping group " + name + " has no targets");
    }
    if (arpDevice.isPresent() && !targets.stream().allMatch(t -> t instanceof Inet4Address)) {
      throw new IllegalArgumentException("ARP ping group " + name + " may hold IPv4 targets only");
    }
  }

  /** An ICMP echo group. */
  public PingGroup(String name, List<InetAddress> targets) {
    this(name, targets, Optional.empty());
  }

  public static PingGroup single(String literal) {
    return new PingGroup(literal, List.of(Addresses.literal(literal)));
  }

  /** On-link IPv4 targets probed by ARP on {@code device}. */
  public static PingGroup arp(String name, String device, List<InetAddress> targets) {
    return new PingGroup(name, targets, Optional.of(device));
  }
}
