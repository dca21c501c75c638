package dev.relais.agent.runtime;

import dev.relais.agent.dataplane.Announcement;
import dev.relais.agent.dataplane.Dataplane;
import dev.relais.agent.dataplane.DataplaneResult;
import dev.relais.agent.dataplane.Lifetime;
import dev.relais.agent.dataplane.VirtualIp;
import dev.relais.agent.observe.AgentMetrics;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The groups this node holds and exactly the addresses it installed for each. A release removes
 * what was installed, not what the config says now, so a group removed or changed in the config is
 * still released whole. Failed removals are retried; failed renewals are retried by the next
 * renewal. Renewals ride on the heartbeat's wakeup ({@link #renewDue}); a timer per group renews
 * only if no heartbeat went out in time. Loop only.
 */
final class HeldGroups {
  /** Removal retries: 1 s, 2 s, 4 s, 8 s, 16 s after the first failure. */
  static final int REMOVE_ATTEMPTS = 6;

  private static final long FIRST_RETRY_MILLIS = 1000;

  private final EventLoop loop;
  private final LongSupplier nanoClock;
  private final Dataplane dataplane;
  private final AgentMetrics metrics;
  private final Logger log;
  private final String cluster;
  private final String self;
  private final Map<String, Held> held = new HashMap<>();

  private static final class Held {
    final Set<VirtualIp> installed = new LinkedHashSet<>();
    Lifetime lifetime;
    long renewEveryNanos; // 0: a permanent lifetime, nothing to renew
    long renewAtNanos;
    ScheduledFuture<?> fallback;
    // Read by the dataplane's thread: a renewal that worked, as the last one did, needs no loop.
    volatile boolean renewalFailing;
  }

  HeldGroups(
      EventLoop loop,
      LongSupplier nanoClock,
      Dataplane dataplane,
      AgentMetrics metrics,
      Logger log,
      String cluster,
      String self) {
    this.loop = loop;
    this.nanoClock = nanoClock;
    this.dataplane = dataplane;
    this.metrics = metrics;
    this.log = log;
    this.cluster = cluster;
    this.self = self;
  }

  boolean holds(String group) {
    return held.containsKey(group);
  }

  Set<String> groups() {
    return Set.copyOf(held.keySet());
  }

  /** Every address installed and not released, over all held groups. */
  Set<VirtualIp> addresses() {
    Set<VirtualIp> all = new HashSet<>();
    held.values().forEach(h -> all.addAll(h.installed));
    return all;
  }

  /** The installed addresses of a held group (empty if not held). */
  List<VirtualIp> addresses(String group) {
    Held h = held.get(group);
    return h == null ? List.of() : List.copyOf(h.installed);
  }

  /** Which held group installed this address, if any. */
  Optional<String> groupOf(VirtualIp vip) {
    return held.entrySet().stream()
        .filter(e -> e.getValue().installed.contains(vip))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /**
   * Adds (or re-adds) the group's addresses and keeps renewing them while held. The futures end
   * when the kernel has answered each add.
   */
  List<CompletableFuture<?>> install(String group, List<VirtualIp> vips, Lifetime lifetime) {
    Held h = held.computeIfAbsent(group, g -> new Held());
    h.installed.addAll(vips);
    List<CompletableFuture<?>> work = new ArrayList<>();
    for (VirtualIp vip : vips) work.add(add(group, vip, lifetime, "add"));
    renewEvery(group, h, lifetime);
    return work;
  }

  /**
   * Renews every group whose renewal falls due before {@code now + aheadNanos}: the heartbeat that
   * is going out now has woken the loop anyway, and the next one comes after {@code aheadNanos}. On
   * a router at rest this takes the renewal's own wakeup (a third of the lifetime) off the loop.
   */
  void renewDue(long now, long aheadNanos) {
    for (var e : held.entrySet()) {
      Held h = e.getValue();
      if (h.renewEveryNanos > 0 && h.renewAtNanos - now <= aheadNanos) renew(e.getKey(), h, now);
    }
  }

  /** Announces every installed address of the group; true once all went out. */
  CompletableFuture<Boolean> announce(String group, Announcement announcement) {
    List<CompletableFuture<Boolean>> work = new ArrayList<>();
    for (VirtualIp vip : addresses(group)) {
      work.add(
          dataplane
              .announce(vip, announcement)
              .thenApply(
                  r -> {
                    if (r instanceof DataplaneResult.Failed<VirtualIp>(var error)) {
                      loop.execute(() -> failed(group, "announce", vip, error.message()));
                      return false;
                    }
                    return true;
                  }));
    }
    return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new))
        .thenApply(v -> work.stream().allMatch(CompletableFuture::join));
  }

  /** Stops renewing and removes exactly what was installed for the group. */
  void release(String group) {
    Held h = held.remove(group);
    if (h == null) return;
    cancelFallback(h);
    h.installed.forEach(vip -> remove(group, vip, 1));
  }

  /**
   * A held group's addresses or lifetime changed in the config: new addresses are added and
   * announced before the dropped ones are removed (make-before-break), so clients always have one.
   */
  void update(String group, List<VirtualIp> wanted, Lifetime lifetime, Announcement announcement) {
    Held h = held.get(group);
    if (h == null) return;
    List<VirtualIp> added = wanted.stream().filter(v -> !h.installed.contains(v)).toList();
    List<VirtualIp> dropped = h.installed.stream().filter(v -> !wanted.contains(v)).toList();
    boolean lifetimeChanged = !lifetime.equals(h.lifetime);
    if (added.isEmpty() && dropped.isEmpty() && !lifetimeChanged) return;
    log.info(
        "cluster={} node={} group={} held addresses change: adding {}, removing {}{}",
        cluster,
        self,
        group,
        added,
        dropped,
        lifetimeChanged ? ", lifetime " + lifetime : "");
    List<CompletableFuture<?>> adds = new ArrayList<>();
    h.installed.addAll(added);
    for (VirtualIp vip : lifetimeChanged ? wanted : added) {
      adds.add(add(group, vip, lifetime, "add"));
    }
    if (lifetimeChanged) {
      cancelFallback(h);
      h.renewEveryNanos = 0;
    }
    renewEvery(group, h, lifetime);
    CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new))
        .thenCompose(
            v ->
                added.isEmpty()
                    ? CompletableFuture.completedFuture(true)
                    : announceOnly(group, added, announcement))
        .whenComplete(
            (ok, e) ->
                loop.execute(
                    () -> {
                      Held now = held.get(group);
                      if (now != h) return; // released (and maybe re-taken) meanwhile
                      for (VirtualIp vip : dropped) {
                        if (!wanted.contains(vip) && h.installed.remove(vip)) {
                          remove(group, vip, 1);
                        }
                      }
                    }));
  }

  private CompletableFuture<Boolean> announceOnly(
      String group, List<VirtualIp> vips, Announcement announcement) {
    List<CompletableFuture<?>> work = new ArrayList<>();
    for (VirtualIp vip : vips) {
      work.add(
          dataplane
              .announce(vip, announcement)
              .thenAccept(
                  r -> {
                    if (r instanceof DataplaneResult.Failed<VirtualIp>(var error)) {
                      loop.execute(() -> failed(group, "announce", vip, error.message()));
                    }
                  }));
    }
    return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).thenApply(v -> true);
  }

  /** Stops renewals; the addresses stay until their lifetime runs out (a halt, not a release). */
  void stop() {
    held.values().forEach(HeldGroups::cancelFallback);
    held.clear();
  }

  private CompletableFuture<Void> add(String group, VirtualIp vip, Lifetime lifetime, String op) {
    return dataplane
        .install(vip, lifetime)
        .thenAccept(
            r -> {
              if (r instanceof DataplaneResult.Failed<VirtualIp>(var error)) {
                loop.execute(() -> failed(group, op, vip, error.message()));
              }
            });
  }

  /** Re-adds the held group's addresses with their full lifetime and sets the next renewal. */
  private void renew(String group, Held h, long now) {
    nextRenewal(group, h, now);
    for (VirtualIp vip : List.copyOf(h.installed)) {
      dataplane
          .install(vip, h.lifetime)
          .thenAccept(
              r -> {
                boolean failedNow = r instanceof DataplaneResult.Failed<VirtualIp>;
                if (!failedNow && !h.renewalFailing) return; // the common case: no loop wakeup
                loop.execute(() -> renewed(group, h, vip, r));
              });
    }
  }

  private void renewed(String group, Held h, VirtualIp vip, DataplaneResult<VirtualIp> r) {
    if (held.get(group) != h) return; // released (and maybe re-taken) meanwhile
    if (r instanceof DataplaneResult.Failed<VirtualIp>(var error)) {
      if (!h.renewalFailing) failed(group, "renew", vip, error.message());
      else metrics.vipOperationFailed(cluster, group, "renew");
      h.renewalFailing = true;
    } else if (h.renewalFailing) {
      h.renewalFailing = false;
      log.info("cluster={} node={} group={} renewing {} works again", cluster, self, group, vip);
    }
  }

  private void renewEvery(String group, Held h, Lifetime lifetime) {
    h.lifetime = lifetime;
    if (!(lifetime instanceof Lifetime.Expiring expiring) || h.renewEveryNanos > 0) return;
    h.renewEveryNanos =
        TimeUnit.MILLISECONDS.toNanos(Math.max(250, expiring.valid().toMillis() / 3));
    nextRenewal(group, h, nanoClock.getAsLong());
  }

  private void nextRenewal(String group, Held h, long now) {
    h.renewAtNanos = now + h.renewEveryNanos;
    cancelFallback(h);
    // A quarter period late still leaves more than half the lifetime; heartbeats renew before.
    h.fallback =
        loop.schedule(
            () -> {
              if (held.get(group) == h) renew(group, h, nanoClock.getAsLong());
            },
            h.renewEveryNanos * 5 / 4,
            TimeUnit.NANOSECONDS);
  }

  private static void cancelFallback(Held h) {
    if (h.fallback != null) h.fallback.cancel(false);
    h.fallback = null;
  }

  private void remove(String group, VirtualIp vip, int attempt) {
    dataplane
        .remove(vip)
        .thenAccept(
            r ->
                loop.execute(
                    () -> {
                      if (!(r instanceof DataplaneResult.Failed<VirtualIp>(var error))) return;
                      failed(group, "remove", vip, error.message());
                      // Re-taken meanwhile: the address is wanted again, stop retrying.
                      if (groupOf(vip).isPresent() || attempt >= REMOVE_ATTEMPTS) {
                        if (attempt >= REMOVE_ATTEMPTS) {
                          log.error(
                              "cluster={} node={} group={} gave up removing {} after {} attempts;"
                                  + " it stays until its lifetime ends",
                              cluster,
                              self,
                              group,
                              vip,
                              attempt);
                        }
                        return;
                      }
                      long delay = FIRST_RETRY_MILLIS << (attempt - 1);
                      loop.schedule(
                          () -> {
                            if (groupOf(vip).isEmpty()) remove(group, vip, attempt + 1);
                          },
                          delay,
                          TimeUnit.MILLISECONDS);
                    }));
  }

  private void failed(String group, String op, VirtualIp vip, String message) {
    metrics.vipOperationFailed(cluster, group, op);
    log.error(
        "cluster={} node={} group={} cannot {} VIP {}: {}", cluster, self, group, op, vip, message);
  }
}
