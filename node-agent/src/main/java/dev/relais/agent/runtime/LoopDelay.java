package dev.relais.agent.runtime;

import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * How late the event loop runs its timers. A loop held back for longer than its peers wait past a
 * missed heartbeat (the deadTime it advertises, less one keepalive) may have been declared dead,
 * and a needless failover is then this node's doing, not the network's: that is worth a warning, at
 * most one per {@link #WARN_EVERY_NANOS}, which also says how many more there were.
 */
final class LoopDelay {
  static final long WARN_EVERY_NANOS = 10_000_000_000L;

  /** A timer ran {@code lateNanos} past its deadline, beyond the peers' {@code slackNanos}. */
  record Late(long lateNanos, long slackNanos, int suppressed, long worstSuppressedNanos) {
    /** The warning, after "cluster=… node=…". */
    String describe() {
      return "event loop ran "
          + lateNanos / 1_000_000
          + " ms late, longer than peers wait past a missed heartbeat ("
          + slackNanos / 1_000_000
          + " ms): something held the agent back (a busy CPU, the kernel, a JVM pause, a stopped"
          + " process) and peers may have declared this node dead"
          + (suppressed == 0
              ? ""
              : " ("
                  + suppressed
                  + " more in the last 10 s, the worst "
                  + worstSuppressedNanos / 1_000_000
                  + " ms)");
    }
  }

  private final Timer delays;
  private boolean warned;
  private long warnedAtNanos;
  private int suppressed;
  private long worstSuppressedNanos;

  LoopDelay(Timer delays) {
    this.delays = delays;
  }

  /** Records one timer; returns what to warn about, or null (no allocation on the usual path). */
  Late onTimer(long lateNanos, long nowNanos, long slackNanos) {
    delays.record(Math.max(0, lateNanos), TimeUnit.NANOSECONDS);
    if (lateNanos <= slackNanos) {
      return null;
    }
    if (warned && nowNanos - warnedAtNanos < WARN_EVERY_NANOS) {
      suppressed++;
      worstSuppressedNanos = Math.max(worstSuppressedNanos, lateNanos);
      return null;
    }
    Late late = new Late(lateNanos, slackNanos, suppressed, worstSuppressedNanos);
    warned = true;
    warnedAtNanos = nowNanos;
    suppressed = 0;
    worstSuppressedNanos = 0;
    return late;
  }
}
