package dev.relais.agent.runtime;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs two throwaway machines against each other on a virtual clock before the agent joins its
 * cluster: the codec, the membership and election code get loaded and JIT-compiled here, not while
 * the first real heartbeats are due. Without it a cold JVM stalls for tens of milliseconds on its
 * first takeover, longer than the fast profile's deadTime, and a peer declares it dead.
 */
final class Warmup {
  private static final long STEP_NANOS = 1_000_000;

  private Warmup() {}

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
            Map.of(
                1,
                "warmup-key-0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
            1);
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
