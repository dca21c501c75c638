package dev.relais.agent.protocol;

import java.time.Duration;

/**
 * Hold-down for preemptive moves (failback, ipfail): once a group has changed owner {@code
 * maxMoves} times within {@code window}, further preemptive moves wait until the oldest of those
 * changes leaves the window. Takeovers from a dead, faulty or released owner are never damped.
 */
public record FlapDamping(int maxMoves, Duration window) {
  public FlapDamping {
    if (maxMoves < 1) {
      throw new IllegalArgumentException("maxMoves must be at least 1");
    }
    if (window.isNegative()) {
      throw new IllegalArgumentException("damping window must not be negative");
    }
  }

  /** Four owner changes per five minutes, as keepalived users tune preempt_delay. */
  public static FlapDamping standard() {
    return new FlapDamping(4, Duration.ofMinutes(5));
  }
}
