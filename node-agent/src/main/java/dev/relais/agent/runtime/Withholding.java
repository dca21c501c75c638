package dev.relais.agent.runtime;

import dev.relais.agent.protocol.Heartbeat;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Claim withholding. Make-before-break needs the VIP on the wire before the heartbeat that tells
 * the old owner to let go. While a group's address is being added and first announced, its entries
 * (our claim, our confirmation) are left out of the heartbeats we send; the rest of each heartbeat
 * goes out on time, so the node never looks dead. The entries return once the data plane is done,
 * or at the handoff bound at the latest; then {@code released} runs, so the claim goes out at once
 * (the old owner of a handoff hears it within a one-way delay, not at the next keepalive). Loop
 * only.
 */
final class Withholding {
  private final EventLoop loop;
  private final Runnable released;
  private final Map<String, Integer> withheld = new HashMap<>();
  private int generation;

  Withholding(EventLoop loop, Runnable released) {
    this.loop = loop;
    this.released = released;
  }

  void until(String group, List<? extends CompletableFuture<?>> work, Duration bound) {
    if (work.isEmpty()) return;
    int mine = ++generation;
    withheld.put(group, mine);
    Runnable release =
        () -> {
          if (withheld.getOrDefault(group, -1) == mine) {
            withheld.remove(group);
            released.run();
          }
        };
    ScheduledFuture<?> timer = loop.schedule(release, bound.toMillis(), TimeUnit.MILLISECONDS);
    CompletableFuture.allOf(work.toArray(CompletableFuture[]::new))
        .whenComplete(
            (v, e) ->
                loop.execute(
                    () -> {
                      timer.cancel(false);
                      release.run();
                    }));
  }

  Heartbeat filter(Heartbeat hb) {
    if (withheld.isEmpty()) return hb;
    var entries = hb.entries().stream().filter(e -> !withheld.containsKey(e.group())).toList();
    if (entries.size() == hb.entries().size()) return hb;
    return hb.withEntries(entries);
  }
}
