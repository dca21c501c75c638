package dev.relais.agent.protocol;

import java.time.Duration;

/**
 * Heartbeat timing with heartbeat 3's meaning (heartbeat-3.md §3.2, §5): a heartbeat every
 * keepalive; a peer silent for warnTime is late, for deadTime dead; initDead stands in for deadTime
 * until the cluster has been heard.
 */
public record Timing(Duration keepalive, Duration warnTime, Duration deadTime, Duration initDead) {
  public Timing {
    if (keepalive.isNegative() || keepalive.isZero()) {
      throw new IllegalArgumentException("keepalive must be positive");
    }
    // heartbeat refuses deadtime <= 2 x keepalive at startup (heartbeat-3.md §3.2).
    if (deadTime.compareTo(keepalive.multipliedBy(2)) <= 0) {
      throw new IllegalArgumentException("deadTime must be more than twice keepalive");
    }
    if (warnTime.isNegative() || warnTime.compareTo(deadTime) > 0) {
      throw new IllegalArgumentException("warnTime must lie in 0..deadTime");
    }
    if (initDead.compareTo(deadTime) < 0) {
      throw new IllegalArgumentException("initDead must be at least deadTime");
    }
    // Both are advertised on the wire as unsigned 32-bit milliseconds.
    if (deadTime.toMillis() > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("deadTime too large for the wire");
    }
  }

  /** The tutorial's values: keepalive 2 s, warntime 6 s, deadtime 10 s, initdead 60 s. */
  public static Timing tutorial() {
    return new Timing(
        Duration.ofSeconds(2),
        Duration.ofSeconds(6),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60));
  }
}
