package dev.relais.agent.dataplane;

import java.net.InetAddress;
import java.util.List;

/**
 * Heartbeat's {@code ping} (one target) or {@code ping_group} (several): a group is reachable while
 * any member answers an ICMP echo.
 */
public record PingGroup(String name, List<InetAddress> targets) {
  public PingGroup {
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("ping group " + name + " has no targets");
    }
  }

  public static PingGroup single(String literal) {
    return new PingGroup(literal, List.of(Addresses.literal(literal)));
  }
}
