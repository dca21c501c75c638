package dev.relais.model;

import dev.relais.api.v1alpha1.FailbackPolicy;
import java.time.Duration;

/** Failback policy; {@code delay} is zero unless the policy is Delayed. */
public record Failback(FailbackPolicy policy, Duration delay, Damping damping) {

  /**
   * Flap damping: failback to a node is held once it has lost the group unplanned {@code moves}
   * times within {@code window} (docs/design/protocol.md, "Flap damping").
   */
  public record Damping(boolean enabled, int moves, Duration window) {
    public Damping {
      if (moves < 1) {
        throw new IllegalArgumentException("damping moves must be at least 1");
      }
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("damping window must be positive");
      }
    }
  }
}
