package dev.relais.agent.dataplane;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory data plane for the runtime's unit tests: records every call, keeps the installed
 * VIPs, answers probes from what the test set up, and lets the test inject kernel events. Every
 * future is already complete. Thread-safe (synchronized), though tests usually use one thread.
 */
public final class FakeDataplane implements Dataplane {
  /** One recorded call. */
  public sealed interface Call {
    record Install(VirtualIp vip, Lifetime lifetime) implements Call {}

    record Remove(VirtualIp vip) implements Call {}

    record RemoveStale(List<VirtualIp> mustNotHold) implements Call {}

    record Announce(VirtualIp vip, Announcement announcement) implements Call {}

    record Track(Set<String> devices) implements Call {}

    record ProbeOwners(VirtualIp vip, Duration window) implements Call {}

    record Ping(PingGroup group, Duration timeout) implements Call {}
  }

  private final DataplaneListener listener;
  private final List<Call> calls = new ArrayList<>();
  private final Map<VirtualIp, Lifetime> installed = new HashMap<>();
  private final Set<VirtualIp> presentAtStart = new LinkedHashSet<>();
  private final Queue<DataplaneError> failures = new ArrayDeque<>();
  private final Map<String, LinkState> links = new HashMap<>();
  private final Set<String> tracked = new HashSet<>();
  private final Set<InetAddress> answering = new HashSet<>();
  private final Map<InetAddress, Set<String>> otherOwners = new HashMap<>();
  private boolean closed;

  public FakeDataplane(DataplaneListener listener) {
    this.listener = listener;
  }

  // --- what the test sets up ---

  /** The next call(s) fail with these errors, in order, instead of doing anything. */
  public synchronized FakeDataplane failNext(DataplaneError error) {
    failures.add(error);
    return this;
  }

  /** An address left from an earlier run, found by {@link #removeStale}. */
  public synchronized FakeDataplane leftOver(VirtualIp vip) {
    presentAtStart.add(vip);
    return this;
  }

  public synchronized FakeDataplane answering(InetAddress target, boolean answers) {
    if (answers) {
      answering.add(target);
    } else {
      answering.remove(target);
    }
    return this;
  }

  public synchronized FakeDataplane otherOwner(VirtualIp vip, String mac) {
    otherOwners.computeIfAbsent(vip.address(), a -> new HashSet<>()).add(mac);
    return this;
  }

  /** Sets a link's state; reports it like the kernel would if tracked and changed. */
  public void link(String device, LinkState state) {
    boolean report;
    synchronized (this) {
      LinkState before = links.put(device, state);
      report = tracked.contains(device) && before != state;
    }
    if (report) {
      listener.onEvent(new DataplaneEvent.LinkChanged(device, state));
    }
  }

  /** Someone deletes our VIP (or its lifetime ran out): forgotten and reported. */
  public void removeBehindOurBack(VirtualIp vip) {
    boolean held;
    synchronized (this) {
      held = installed.remove(vip) != null;
    }
    if (held) {
      listener.onEvent(new DataplaneEvent.VipRemoved(vip));
    }
  }

  // --- what the test checks ---

  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  public synchronized Map<VirtualIp, Lifetime> installed() {
    return Map.copyOf(installed);
  }

  public synchronized boolean closed() {
    return closed;
  }

  // --- Dataplane ---

  @Override
  public synchronized CompletableFuture<DataplaneResult<VirtualIp>> install(
      VirtualIp vip, Lifetime lifetime) {
    calls.add(new Call.Install(vip, lifetime));
    return done(
        () -> {
          installed.put(vip, lifetime);
          return vip;
        });
  }

  @Override
  public synchronized CompletableFuture<DataplaneResult<VirtualIp>> remove(VirtualIp vip) {
    calls.add(new Call.Remove(vip));
    return done(
        () -> {
          installed.remove(vip);
          return vip;
        });
  }

  @Override
  public synchronized CompletableFuture<DataplaneResult<List<VirtualIp>>> removeStale(
      Collection<VirtualIp> mustNotHold) {
    List<VirtualIp> wanted = List.copyOf(mustNotHold);
    calls.add(new Call.RemoveStale(wanted));
    return done(
        () -> {
          List<VirtualIp> removed = new ArrayList<>();
          for (VirtualIp vip : wanted) {
            presentAtStart.stream()
                .filter(p -> p.address().equals(vip.address()) && p.device().equals(vip.device()))
                .forEach(removed::add);
          }
          presentAtStart.removeAll(removed);
          return List.copyOf(removed);
        });
  }

  @Override
  public synchronized CompletableFuture<DataplaneResult<VirtualIp>> announce(
      VirtualIp vip, Announcement announcement) {
    calls.add(new Call.Announce(vip, announcement));
    if (failures.isEmpty() && !installed.containsKey(vip)) {
      return CompletableFuture.completedFuture(
          DataplaneResult.failed(new DataplaneError.NotHeld(vip)));
    }
    return done(() -> vip);
  }

  @Override
  public synchronized CompletableFuture<DataplaneResult<Map<String, LinkState>>> track(
      Set<String> devices) {
    calls.add(new Call.Track(Set.copyOf(devices)));
    return done(
        () -> {
          tracked.clear();
          tracked.addAll(devices);
          Map<String, LinkState> states = new HashMap<>();
          devices.forEach(d -> states.put(d, links.getOrDefault(d, LinkState.UP)));
          return Map.copyOf(states);
        });
  }

  @Override
  public synchronized CompletableFuture<DataplaneResult<OwnerProbe>> probeOwners(
      VirtualIp vip, Duration window) {
    calls.add(new Call.ProbeOwners(vip, window));
    return done(
        () ->
            new OwnerProbe(
                vip, "02:00:00:00:00:00", otherOwners.getOrDefault(vip.address(), Set.of())));
  }

  @Override
  public synchronized CompletableFuture<DataplaneResult<Reachability>> ping(
      PingGroup group, Duration timeout) {
    calls.add(new Call.Ping(group, timeout));
    return done(
        () -> {
          Set<InetAddress> answered = new HashSet<>(group.targets());
          answered.retainAll(answering);
          return new Reachability(group, answered);
        });
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private interface Effect<T> {
    T apply();
  }

  private <T> CompletableFuture<DataplaneResult<T>> done(Effect<T> effect) {
    DataplaneError failure = failures.poll();
    if (failure != null) {
      return CompletableFuture.completedFuture(DataplaneResult.failed(failure));
    }
    return CompletableFuture.completedFuture(DataplaneResult.ok(effect.apply()));
  }
}
