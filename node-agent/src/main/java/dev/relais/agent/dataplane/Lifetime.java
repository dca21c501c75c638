package dev.relais.agent.dataplane;

import java.time.Duration;

/**
 * How long the kernel keeps a VIP without renewal. {@link Expiring} is the self-fencing mode: the
 * agent renews it in place while it holds the VIP, so a dead or frozen agent cannot leave it behind
 * for longer than the lifetime.
 */
public sealed interface Lifetime {
  /** The kernel's "forever" (0xFFFFFFFF in {@code ifa_cacheinfo}). */
  long INFINITE_SECONDS = 0xFFFF_FFFFL;

  long seconds();

  record Permanent() implements Lifetime {
    @Override
    public long seconds() {
      return INFINITE_SECONDS;
    }
  }

  /** valid_lft = preferred_lft = {@code valid}; whole seconds, at least one (kernel unit). */
  record Expiring(Duration valid) implements Lifetime {
    public Expiring {
      if (valid.isNegative()
          || valid.toSeconds() < 1
          || valid.toNanosPart() != 0
          || valid.toSeconds() >= INFINITE_SECONDS) {
        throw new IllegalArgumentException(
            "lifetime must be whole seconds, at least 1 s, got " + valid);
      }
    }

    @Override
    public long seconds() {
      return valid.toSeconds();
    }
  }

  static Lifetime permanent() {
    return new Permanent();
  }

  static Lifetime expiring(Duration valid) {
    return new Expiring(valid);
  }
}
