package dev.relais.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Health inputs: tracked links and ping groups. A single ping target is a group of one, so the
 * election sees one rule: a group is reachable while any member answers.
 */
public record Health(List<String> interfaces, List<PingGroup> pingGroups) {
  public Health {
    interfaces = List.copyOf(interfaces);
    pingGroups = List.copyOf(pingGroups);
  }

  /**
   * A named set of targets (heartbeat's ping_group; a lone ping target is named after itself),
   * probed with ICMP echo, or with ARP on {@code arpInterface}.
   */
  public record PingGroup(String name, List<InetAddress> targets, Optional<String> arpInterface) {
    public PingGroup {
      targets = List.copyOf(targets);
    }

    public PingGroup(String name, List<InetAddress> targets) {
      this(name, targets, Optional.empty());
    }
  }
}
