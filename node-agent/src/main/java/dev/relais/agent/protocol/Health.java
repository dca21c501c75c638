package dev.relais.agent.protocol;

/**
 * This node's health as the data plane sees it: whether every tracked interface is up, and how many
 * of the configured ping targets answer. A node is {@code FAULT} when an interface is down or every
 * ping target is lost; the reachable count is advertised for heartbeat's ipfail rule.
 */
public record Health(boolean trackedInterfacesUp, int pingTargets, int pingReachable) {
  public Health {
    if (pingTargets < 0 || pingReachable < 0 || pingReachable > pingTargets || pingTargets > 255) {
      throw new IllegalArgumentException("ping counts out of range");
    }
  }

  public static Health healthy() {
    return new Health(true, 0, 0);
  }

  public boolean fault() {
    return !trackedInterfacesUp || (pingTargets > 0 && pingReachable == 0);
  }
}
