package dev.relais.agent.dataplane;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Collects data plane events for kernel tests, which wait for them with a bound. */
final class RecordingListener implements DataplaneListener {
  private final BlockingQueue<DataplaneEvent> events = new LinkedBlockingQueue<>();

  @Override
  public void onEvent(DataplaneEvent event) {
    events.add(event);
  }

  /** Waits for the first event matching {@code wanted}, dropping others; null on timeout. */
  DataplaneEvent await(Predicate<DataplaneEvent> wanted, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    for (long left = bound.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      DataplaneEvent event = events.poll(left, TimeUnit.NANOSECONDS);
      if (event != null && wanted.test(event)) {
        return event;
      }
    }
    return null;
  }

  /** Events received so far and not yet consumed. */
  java.util.List<DataplaneEvent> pending() {
    return java.util.List.copyOf(events);
  }

  void clear() {
    events.clear();
  }
}
