package dev.relais.agent.protocol.sim;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.stream.LongStream;

/**
 * Runs a property over many seeds. {@code -Dsim.seeds=N} overrides the count (CI uses each
 * property's default of at least 1,000; the nightly run uses e.g. 20,000); {@code -Dsim.seed=S}
 * replays one seed. A failure names its seed so it replays exactly.
 */
public final class Seeds {
  private Seeds() {}

  public static int count(int ciDefault) {
    return Integer.getInteger("sim.seeds", ciDefault);
  }

  /** Runs seeds 1..count on every core (each run is independent and deterministic). */
  public static void check(String property, int ciDefault, LongConsumer run) {
    Long only = Long.getLong("sim.seed");
    if (only != null) {
      runOne(property, only, run);
      return;
    }
    var failure = new AtomicReference<AssertionError>();
    LongStream.rangeClosed(1, count(ciDefault))
        .parallel()
        .forEach(
            seed -> {
              if (failure.get() != null) {
                return;
              }
              try {
                runOne(property, seed, run);
              } catch (AssertionError e) {
                failure.compareAndSet(null, e);
              }
            });
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  private static void runOne(String property, long seed, LongConsumer run) {
    try {
      run.accept(seed);
    } catch (AssertionError | RuntimeException e) {
      var message =
          property
              + " failed for seed "
              + seed
              + "; replay with -Dsim.seed="
              + seed
              + ": "
              + e.getMessage();
      System.err.println(message);
      throw new AssertionError(message, e);
    }
  }
}
