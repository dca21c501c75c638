package dev.relais.agent.protocol.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Ownership of one group over time, rebuilt from a simulation's VIP events. */
public final class Timeline {
  /** A stretch of time with {@code owners} holders, from {@code startNanos} to {@code endNanos}. */
  public record Span(long startNanos, long endNanos, int owners) {
    public long nanos() {
      return endNanos - startNanos;
    }
  }

  private final List<Span> spans = new ArrayList<>();

  /** Spans of {@code group} between {@code fromNanos} and {@code toNanos}. */
  public Timeline(SimulatedCluster sim, String group, long fromNanos, long toNanos) {
    var owners = new TreeSet<String>();
    long start = fromNanos;
    for (var e : sim.vipEvents()) {
      if (!e.group().equals(group) || e.nanos() > toNanos) {
        continue;
      }
      if (e.nanos() > start && e.nanos() > fromNanos) {
        spans.add(new Span(Math.max(start, fromNanos), e.nanos(), owners.size()));
        start = e.nanos();
      }
      if (e.acquired()) {
        owners.add(e.node());
      } else {
        owners.remove(e.node());
      }
    }
    if (toNanos > start) {
      spans.add(new Span(Math.max(start, fromNanos), toNanos, owners.size()));
    }
  }

  /** Longest stretch with two or more owners (0 if none). */
  public long longestOverlapNanos() {
    return spans.stream().filter(s -> s.owners() >= 2).mapToLong(Span::nanos).max().orElse(0);
  }

  /** Longest stretch with no owner (0 if none). */
  public long longestGapNanos() {
    return spans.stream().filter(s -> s.owners() == 0).mapToLong(Span::nanos).max().orElse(0);
  }
}
