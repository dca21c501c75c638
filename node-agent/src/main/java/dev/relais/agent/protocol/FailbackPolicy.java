package dev.relais.agent.protocol;

import java.time.Duration;

/** What happens when a group's preferred node becomes eligible again while another owns it. */
public sealed interface FailbackPolicy {
  /** Move back as soon as the preferred node is eligible (heartbeat's auto_failback on). */
  record Auto() implements FailbackPolicy {}

  /** Stay where it is (auto_failback off); only failures and explicit requests move it. */
  record Never() implements FailbackPolicy {}

  /** Move back once the preferred node has been eligible without a break for {@code delay}. */
  record Delayed(Duration delay) implements FailbackPolicy {
    public Delayed {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("failback delay must not be negative");
      }
    }
  }
}
