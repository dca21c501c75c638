package dev.relais.model;

import java.net.InetAddress;
import java.util.List;

/**
 * Health inputs: tracked links and ping groups. A single ping target is a group of one, so the
 * election sees one rule: a group is reachable while any member answers.
 */
public record Health(List<String> interfaces, List<PingGroup> pingGroups) {
  public Health {
    interfaces = List.copyOf(interfaces);
    pingGroups = List.copyOf(pingGroups);
  }

  /** A named set of targets (heartbeat's ping_group; a lone ping target is named after itself). */
  public record PingGroup(String name, List<InetAddress> targets) {
    public PingGroup {
      targets = List.copyOf(targets);
    }
  }
}
