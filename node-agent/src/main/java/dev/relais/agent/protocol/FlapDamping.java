package dev.relais.agent.protocol;

import java.time.Duration;

/**
 * Hold-down for preemptive moves (failback, ipfail) to a node that flaps: once a node has lost a
 * group unplanned {@code maxMoves} times within {@code window} (it died, restarted, or failed
 * health while holding it), moves that would give the group back to it wait until the oldest of
 * those losses leaves the window. Planned moves (standby, shutdown handoff, requested move, and
 * failback itself) are never counted and never held, nor is any takeover (docs/design/protocol.md,
 * "Flap damping"). {@code enabled == false} turns it off.
 */
public record FlapDamping(boolean enabled, int maxMoves, Duration window) {
  public FlapDamping {
    if (maxMoves < 1) {
      throw new IllegalArgumentException("maxMoves must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("damping window must be positive");
    }
  }

  /** Damping on, with {@code maxMoves} unplanned losses per {@code window}. */
  public FlapDamping(int maxMoves, Duration window) {
    this(true, maxMoves, window);
  }

  /**
   * The API's default at the default profile: three unplanned losses within four deadTimes of 5 s
   * (the API derives the window from the cluster's deadTime).
   */
  public static FlapDamping standard() {
    return new FlapDamping(true, 3, Duration.ofSeconds(20));
  }

  /** Never holds a move: the VIP goes back every time, as heartbeat's auto_failback on. */
  public static FlapDamping off() {
    return new FlapDamping(false, 3, Duration.ofSeconds(20));
  }
}
