package dev.relais.agent.protocol.bench;

import dev.relais.agent.protocol.DecodeResult;
import dev.relais.agent.protocol.FailbackPolicy;
import dev.relais.agent.protocol.FlapDamping;
import dev.relais.agent.protocol.GroupEntry;
import dev.relais.agent.protocol.GroupSpec;
import dev.relais.agent.protocol.Heartbeat;
import dev.relais.agent.protocol.HeartbeatCodec;
import dev.relais.agent.protocol.Keyring;
import dev.relais.agent.protocol.NodeSpec;
import dev.relais.agent.protocol.NodeStatus;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.Timing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode+sign and decode+verify of a tutorial heartbeat (two groups, a claim and an offer), and the
 * two cheapest rejections. Run with the GC profiler (docs/benchmarks.md, "Protocol codec"):
 * gc.alloc.rate.norm is the allocation per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseParallelGC")
public class CodecBenchmark {
  private static final int DATAGRAMS = 1 << 16;

  private HeartbeatCodec sender;
  private HeartbeatCodec receiver;
  private Heartbeat heartbeat;
  private final byte[] out = new byte[1500];
  private byte[][] fresh;
  private int next;
  private byte[] forged;
  private byte[] replayed;

  private static ProtocolConfig config(String self) {
    var timing = Timing.tutorial();
    return new ProtocolConfig(
        "tutorial",
        self,
        List.of(new NodeSpec("maitre", 200, 2), new NodeSpec("esclave", 100, 2)),
        List.of(new GroupSpec("vip-lan", "maitre"), new GroupSpec("vip-wan", "esclave")),
        timing,
        new FailbackPolicy.Auto(),
        Set.of(),
        Map.of(),
        FlapDamping.standard(),
        Duration.ofSeconds(4),
        3,
        new Keyring(Map.of(1, "0123456789abcdef-bench".getBytes(StandardCharsets.UTF_8)), 1));
  }

  private static Heartbeat heartbeat(long sequence) {
    return new Heartbeat(
        "maitre",
        1_764_000_000L,
        sequence,
        3,
        0,
        NodeStatus.ACTIVE,
        200,
        2,
        2000,
        10_000,
        List.of(
            GroupEntry.claim("vip-lan", 12),
            GroupEntry.claim("vip-wan", 9),
            GroupEntry.offer("vip-wan", 10, "esclave")),
        List.of());
  }

  @Setup
  public void setUp() {
    sender = new HeartbeatCodec(config("maitre"));
    receiver = new HeartbeatCodec(config("esclave"));
    heartbeat = heartbeat(1);
    fresh = new byte[DATAGRAMS][];
    for (int i = 0; i < DATAGRAMS; i++) {
      fresh[i] = sender.encode(heartbeat(i + 1));
    }
    forged = fresh[0].clone();
    forged[40] ^= 1;
    replayed = fresh[0];
    receiver.decode(replayed, 0, replayed.length);
    next = 1;
  }

  @Benchmark
  public int encodeAndSign() {
    return sender.encode(heartbeat, out, 0);
  }

  @Benchmark
  public DecodeResult decodeAndVerify() {
    if (next == DATAGRAMS) {
      // Sequences ran out: a new receiver starts a fresh replay window (amortised over 65,536 ops).
      receiver = new HeartbeatCodec(config("esclave"));
      next = 0;
    }
    var d = fresh[next++];
    return receiver.decode(d, 0, d.length);
  }

  @Benchmark
  public DecodeResult rejectBadMac() {
    return receiver.decode(forged, 0, forged.length);
  }

  @Benchmark
  public DecodeResult rejectReplay() {
    return receiver.decode(replayed, 0, replayed.length);
  }
}
