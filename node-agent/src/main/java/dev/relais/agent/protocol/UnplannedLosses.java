package dev.relais.agent.protocol;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * For one group, when each node lost it unplanned, as this node saw it: the newest {@code maxMoves}
 * times per node, which is all {@link FlapDamping} needs. A node that restarts starts with an empty
 * history, which only errs towards failback.
 */
final class UnplannedLosses {
  private final Map<String, ArrayDeque<Long>> byNode = new HashMap<>();

  void record(String node, long nowNanos, FlapDamping damping) {
    var times = byNode.computeIfAbsent(node, n -> new ArrayDeque<>());
    times.addLast(nowNanos);
    while (times.size() > damping.maxMoves()) {
      times.pollFirst();
    }
  }

  /** Losses of {@code node} within the window ending now. */
  int count(String node, long nowNanos, FlapDamping damping) {
    var times = byNode.get(node);
    if (times == null) {
      return 0;
    }
    long since = nowNanos - damping.window().toNanos();
    while (!times.isEmpty() && times.peekFirst() <= since) {
      times.pollFirst();
    }
    while (times.size() > damping.maxMoves()) {
      times.pollFirst(); // maxMoves was lowered by a new config
    }
    if (times.isEmpty()) {
      byNode.remove(node);
      return 0;
    }
    return times.size();
  }

  /**
   * Until when a move to {@code node} is held (the oldest counted loss plus the window, past which
   * fewer than maxMoves remain), or {@code nowNanos} when it is not.
   */
  long heldUntil(String node, long nowNanos, FlapDamping damping) {
    if (!damping.enabled() || count(node, nowNanos, damping) < damping.maxMoves()) {
      return nowNanos;
    }
    return byNode.get(node).peekFirst() + damping.window().toNanos();
  }
}
