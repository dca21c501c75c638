package dev.relais.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.Effect.AcquireVip;
import dev.relais.agent.protocol.Effect.ReleaseVip;
import dev.relais.agent.protocol.Effect.SendHeartbeat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The machine driven by hand: conflict resolution, startup, heartbeat contents. */
class ProtocolMachineTest {
  private static final long MS = 1_000_000L;
  private long sequence;

  private Heartbeat from(String sender, int priority, GroupEntry... entries) {
    return new Heartbeat(
        sender,
        1,
        ++sequence,
        1,
        0,
        NodeStatus.ACTIVE,
        priority,
        0,
        2000,
        10_000,
        List.of(entries));
  }

  private static boolean acquires(List<? extends Effect> effects) {
    return effects.stream().anyMatch(e -> e instanceof AcquireVip);
  }

  private static boolean releases(List<? extends Effect> effects) {
    return effects.stream().anyMatch(e -> e instanceof ReleaseVip);
  }

  @Test
  void equalEpochsGoToTheHigherPriorityAndAHigherEpochWinsOverPriority() {
    var maitre = new ProtocolMachine(TestConfigs.tutorial("maitre"), 5);
    maitre.start(0);
    assertThat(acquires(maitre.onHeartbeat(from("esclave", 100), 0, MS))).isTrue();
    var sameEpoch = from("esclave", 100, GroupEntry.claim("vip", 1));
    assertThat(releases(maitre.onHeartbeat(sameEpoch, 0, 2 * MS))).isFalse();
    assertThat(maitre.holds("vip")).isTrue();
    var higherEpoch = from("esclave", 100, GroupEntry.claim("vip", 2));
    assertThat(releases(maitre.onHeartbeat(higherEpoch, 0, 3 * MS))).isTrue();
    assertThat(maitre.holds("vip")).isFalse();
  }

  @Test
  void equalEpochsAndPrioritiesGoToTheSmallerName() {
    var c = TestConfigs.tutorial("maitre");
    var config =
        new ProtocolConfig(
            c.clusterId(),
            "b",
            List.of(new NodeSpec("a", 100, 1), new NodeSpec("b", 100, 1)),
            List.of(new GroupSpec("vip", "b")),
            c.timing(),
            c.failback(),
            c.standby(),
            c.requested(),
            c.damping(),
            c.handoffBound(),
            1,
            c.keyring());
    var b = new ProtocolMachine(config, 1);
    b.start(0);
    assertThat(acquires(b.onHeartbeat(from("a", 100), 0, MS))).isTrue();
    var tie = from("a", 100, GroupEntry.claim("vip", 1));
    assertThat(releases(b.onHeartbeat(tie, 0, 2 * MS))).isTrue();
  }

  @Test
  void aStartingNodeClaimsNothingBeforeInitDeadAndWakesUpForIt() {
    var esclave = new ProtocolMachine(TestConfigs.tutorial("esclave"), 1);
    assertThat(esclave.start(0)).noneMatch(e -> e instanceof AcquireVip);
    assertThat(esclave.status()).isEqualTo(NodeStatus.INIT);
    assertThat(esclave.onTick(59_999 * MS)).noneMatch(e -> e instanceof AcquireVip);
    assertThat(esclave.nextDeadlineNanos()).isLessThanOrEqualTo(60_000 * MS);
    var effects = esclave.onTick(60_001 * MS);
    assertThat(acquires(effects)).isTrue();
    assertThat(effects)
        .contains(
            new Effect.StateChange(
                "tutorial", "esclave", "", "INIT", "ACTIVE", Reason.INIT_DEAD_EXPIRED),
            new Effect.StateChange(
                "tutorial", "esclave", "vip", "INIT", "MASTER", Reason.NO_OWNER));
  }

  @Test
  void everyHeartbeatCarriesTheClaimAndTheAdvertisedTiming() {
    var maitre = new ProtocolMachine(TestConfigs.tutorial("maitre"), 42);
    maitre.start(0);
    var sent =
        maitre.onHeartbeat(from("esclave", 100), 0, MS).stream()
            .filter(e -> e instanceof SendHeartbeat)
            .map(e -> ((SendHeartbeat) e).heartbeat())
            .toList();
    assertThat(sent).hasSize(1);
    var hb = sent.get(0);
    assertThat(hb.bootEpoch()).isEqualTo(42);
    assertThat(hb.keepaliveMillis()).isEqualTo(2000);
    assertThat(hb.deadTimeMillis()).isEqualTo(10_000);
    assertThat(hb.entries()).containsExactly(GroupEntry.claim("vip", 1));
    assertThat(hb.status()).isEqualTo(NodeStatus.ACTIVE);
  }

  @Test
  void sequencesRiseAcrossHeartbeatsAndPaths() {
    var c = TestConfigs.tutorial("maitre");
    var twoPaths =
        TestConfigs.withNodes(
            c, List.of(new NodeSpec("maitre", 200, 2), new NodeSpec("esclave", 100, 2)));
    var maitre = new ProtocolMachine(twoPaths, 1);
    var first = maitre.start(0);
    var later = maitre.onTick(2_000 * MS);
    var sequences =
        Stream.concat(first.stream(), later.stream())
            .filter(e -> e instanceof SendHeartbeat)
            .map(e -> ((SendHeartbeat) e).heartbeat())
            .map(h -> h.path() + ":" + h.sequence())
            .toList();
    assertThat(sequences).containsExactly("0:1", "1:2", "0:3", "1:4");
  }
}
