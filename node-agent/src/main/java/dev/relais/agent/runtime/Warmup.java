package dev.relais.agent.runtime;

import dev.relais.agent.dataplane.FakeDataplane;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.agent.protocol.DecodeResult;
import dev.relais.agent.protocol.Effect;
import dev.relais.agent.protocol.FailbackPolicy;
import dev.relais.agent.protocol.FlapDamping;
import dev.relais.agent.protocol.GroupSpec;
import dev.relais.agent.protocol.HeartbeatCodec;
import dev.relais.agent.protocol.Keyring;
import dev.relais.agent.protocol.NodeSpec;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.ProtocolMachine;
import dev.relais.agent.protocol.Timing;
import dev.relais.agent.transport.EventLoops;
import dev.relais.render.AgentConfigs;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.slf4j.helpers.NOPLogger;

/**
 * Runs two throwaway machines against each other on a virtual clock before the agent joins its
 * cluster: the codec, the membership and election code get loaded and JIT-compiled here, not while
 * the first real heartbeats are due. Without it a cold JVM stalls for tens of milliseconds on its
 * first takeover, longer than the fast profile's deadTime, and a peer declares it dead.
 */
final class Warmup {
  private static final long STEP_NANOS = 1_000_000;

  private Warmup() {}

  /**
   * Loads and initializes every class of the agent's own code: on a cold, busy JVM loading the
   * classes of the takeover path took tens of milliseconds, on the event loop, during the first
   * takeover.
   */
  static int preloadClasses() {
    ClassLoader loader = Warmup.class.getClassLoader();
    int loaded = 0;
    try {
      var source = Warmup.class.getProtectionDomain().getCodeSource();
      if (source == null) return 0;
      Path location = Path.of(source.getLocation().toURI());
      List<String> names = new ArrayList<>();
      if (Files.isDirectory(location)) {
        try (var files = Files.walk(location)) {
          files
              .map(f -> location.relativize(f).toString())
              .filter(n -> n.endsWith(".class"))
              .forEach(names::add);
        }
      } else {
        try (var jar = new JarFile(location.toFile())) {
          jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).forEach(names::add);
        }
      }
      for (String name : names) {
        String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
        if (!className.startsWith("dev.relais.")) continue;
        try {
          Class.forName(className, true, loader);
          loaded++;
        } catch (ReflectiveOperationException | LinkageError e) {
          // A class that cannot initialize here fails the same way later; not warm-up's concern.
        }
      }
    } catch (IOException | URISyntaxException e) {
      return loaded;
    }
    return loaded;
  }

  private static final String WARMUP_CLUSTER =
      """
      apiVersion: v1
      kind: Secret
      metadata: {name: warmup}
      stringData: {"1": "warmup-key-0123456789abcdef"}
      ---
      apiVersion: relais.dev/v1alpha1
      kind: RouterCluster
      metadata: {name: warmup}
      spec:
        nodes:
          - {name: a, priority: 200, addresses: ["127.0.0.1"]}
          - {name: b, priority: 100, addresses: ["127.0.0.2"]}
        vipGroups:
          - {name: g, preferredNode: a, addresses: [{address: 192.0.2.1/24, interface: warm0}]}
        authSecretRef: {name: warmup, activeKeyId: "1"}
        heartbeat: {keepaliveMs: 5, deadTimeMs: 25, initDeadMs: 50}
      """;

  /**
   * Two real runtimes wired in memory (no sockets, a fake data plane, no logging) go through a
   * start, a takeover, a failback and a shutdown handoff in about one second of real time, so the
   * runtime's own takeover path (effect dispatch, data plane futures, timers) is linked and
   * compiled before the first real takeover: cold, it took 50-110 ms on this kind of machine.
   */
  static void runtimes() {
    var config = (AgentConfigs.Result.Ok) AgentConfigs.read(WARMUP_CLUSTER, "warmup");
    var loaded = config.clusters().getFirst();
    EventLoopGroup group = EventLoops.single("relais-warmup");
    EventLoop loop = group.next();
    ClusterRuntime[] runtimes = new ClusterRuntime[2];
    AtomicBoolean aSilent = new AtomicBoolean();
    try {
      for (int i = 0; i < 2; i++) {
        int me = i;
        HeartbeatPaths.Opener inMemory =
            (model, self, receiver) ->
                new PathSender() {
                  @Override
                  public void send(int path, byte[] data, int length) {
                    if (me == 0 && aSilent.get()) return;
                    byte[] copy = Arrays.copyOf(data, length);
                    loop.execute(() -> runtimes[1 - me].onDatagram(copy, length));
                  }

                  @Override
                  public void close() {}
                };
        runtimes[i] =
            new ClusterRuntime(
                new ClusterRuntime.Context(
                    loop,
                    System::nanoTime,
                    java.time.Instant::now,
                    new FakeDataplane(e -> {}),
                    new AgentMetrics(),
                    inMemory,
                    1,
                    java.util.Set::of,
                    () -> {},
                    NOPLogger.NOP_LOGGER),
                loaded,
                i == 0 ? "a" : "b");
      }
      runtimes[0].start(false).get(2, TimeUnit.SECONDS);
      runtimes[1].start(false).get(2, TimeUnit.SECONDS);
      Thread.sleep(300);
      aSilent.set(true); // b takes over
      Thread.sleep(150);
      aSilent.set(false); // a is back: failback handoff
      Thread.sleep(300);
      runtimes[0].shutdown().get(1, TimeUnit.SECONDS);
      runtimes[1].shutdown().get(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | ExecutionException | TimeoutException e) {
      // Warm-up is best effort: a failure here only means a colder first takeover.
    } finally {
      for (ClusterRuntime r : runtimes) {
        if (r != null) r.halt();
      }
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
  }

  /** About 300 ms of CPU on this kind of machine; the result is discarded. */
  static void run(int virtualSeconds) {
    Timing timing =
        new Timing(
            Duration.ofMillis(5),
            Duration.ofMillis(12),
            Duration.ofMillis(25),
            Duration.ofMillis(50));
    Keyring keys =
        new Keyring(
            Map.of(1, "warmup-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII)), 1);
    List<NodeSpec> nodes = List.of(new NodeSpec("a", 200, 1), new NodeSpec("b", 100, 1));
    List<GroupSpec> groups = List.of(new GroupSpec("g", "a"));
    ProtocolMachine[] machines = new ProtocolMachine[2];
    HeartbeatCodec[] codecs = new HeartbeatCodec[2];
    for (int i = 0; i < 2; i++) {
      ProtocolConfig config =
          new ProtocolConfig(
              "warmup",
              i == 0 ? "a" : "b",
              nodes,
              groups,
              timing,
              new FailbackPolicy.Auto(),
              Set.of(),
              Map.of(),
              FlapDamping.standard(),
              Duration.ofMillis(10),
              1,
              keys);
      machines[i] = new ProtocolMachine(config, 1);
      codecs[i] = new HeartbeatCodec(config);
    }
    long now = 1_000_000_000L;
    long end = now + Duration.ofSeconds(virtualSeconds).toNanos();
    long silenceFrom = now + (end - now) / 2;
    long silenceTo = silenceFrom + 100 * STEP_NANOS;
    deliver(machines, codecs, 0, machines[0].start(now), now, true);
    deliver(machines, codecs, 1, machines[1].start(now), now, true);
    for (; now < end; now += STEP_NANOS) {
      // Half-way, node a goes silent for 100 ms: b takes over, then hands back (failback).
      boolean aHeard = now < silenceFrom || now > silenceTo;
      deliver(machines, codecs, 0, machines[0].onTick(now), now, aHeard);
      deliver(machines, codecs, 1, machines[1].onTick(now), now, true);
    }
  }

  private static void deliver(
      ProtocolMachine[] machines,
      HeartbeatCodec[] codecs,
      int from,
      List<Effect> effects,
      long now,
      boolean heard) {
    for (Effect effect : effects) {
      if (effect instanceof Effect.SendHeartbeat(var hb) && heard) {
        byte[] bytes = codecs[from].encode(hb);
        int to = 1 - from;
        if (codecs[to].decode(bytes, 0, bytes.length)
            instanceof DecodeResult.Accepted(var received, int keyId)) {
          deliver(
              machines,
              codecs,
              to,
              machines[to].onHeartbeat(received, received.path(), now),
              now,
              true);
        }
      }
    }
  }
}
