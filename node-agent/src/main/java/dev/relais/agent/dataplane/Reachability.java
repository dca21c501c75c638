package dev.relais.agent.dataplane;

import java.net.InetAddress;
import java.util.Set;

/** Which members of a ping group answered within the timeout. */
public record Reachability(PingGroup group, Set<InetAddress> answered) {
  public Reachability {
    answered = Set.copyOf(answered);
  }

  public boolean reachable() {
    return !answered.isEmpty();
  }
}
