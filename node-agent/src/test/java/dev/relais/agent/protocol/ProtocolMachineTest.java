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

  private String receiver = "";
  private long receiverBoot;

  /** A machine under test; heartbeats built here echo its boot, so they count as fresh. */
  private ProtocolMachine machine(ProtocolConfig config, long bootEpoch) {
    receiver = config.self();
    receiverBoot = bootEpoch;
    return new ProtocolMachine(config, bootEpoch);
  }

  private List<Echo> echo() {
    return List.of(new Echo(receiver, 1, 0, Echo.tagOf(receiverBoot)));
  }

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
        List.of(entries),
        echo());
  }

  private static boolean acquires(List<? extends Effect> effects) {
    return effects.stream().anyMatch(e -> e instanceof AcquireVip);
  }

  private static boolean releases(List<? extends Effect> effects) {
    return effects.stream().anyMatch(e -> e instanceof ReleaseVip);
  }

  @Test
  void equalEpochsGoToTheHigherPriorityAndAHigherEpochWinsOverPriority() {
    var maitre = machine(TestConfigs.tutorial("maitre"), 5);
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
    var b = machine(config, 1);
    b.start(0);
    assertThat(acquires(b.onHeartbeat(from("a", 100), 0, MS))).isTrue();
    var tie = from("a", 100, GroupEntry.claim("vip", 1));
    assertThat(releases(b.onHeartbeat(tie, 0, 2 * MS))).isTrue();
  }

  @Test
  void aStartingNodeClaimsNothingBeforeInitDeadAndWakesUpForIt() {
    var esclave = machine(TestConfigs.tutorial("esclave"), 1);
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
    var maitre = machine(TestConfigs.tutorial("maitre"), 42);
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
    var maitre = machine(twoPaths, 1);
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

  private static List<Heartbeat> sent(List<? extends Effect> effects) {
    return effects.stream()
        .flatMap(e -> e instanceof SendHeartbeat(var hb) ? Stream.of(hb) : Stream.empty())
        .toList();
  }

  /** Drives the machine to {@code until} on its own deadlines; returns what it sent. */
  private static List<Heartbeat> runUntil(ProtocolMachine m, long until) {
    var out = new java.util.ArrayList<Heartbeat>();
    while (m.nextDeadlineNanos() <= until) {
      out.addAll(sent(m.onTick(m.nextDeadlineNanos())));
    }
    return out;
  }

  /** maitre holding the VIP at the fast profile (5 ms keepalive, 25 ms deadTime). */
  private Heartbeat fastOwner() {
    return new Heartbeat(
        "maitre",
        1,
        ++sequence,
        1,
        0,
        NodeStatus.ACTIVE,
        200,
        0,
        5,
        25,
        List.of(GroupEntry.claim("vip", 1)),
        echo());
  }

  @Test
  void aSettledBackupIsQuietAtTheFastProfileAndAnOwnerIsNot() {
    var fast =
        new Timing(
            java.time.Duration.ofMillis(5),
            java.time.Duration.ofMillis(12),
            java.time.Duration.ofMillis(25),
            java.time.Duration.ofMillis(100));
    var esclave = machine(TestConfigs.tutorial("esclave").withTiming(fast), 1);
    esclave.start(0);
    // Fresh news: the backup answers at once and stays at the fast rate for one deadTime.
    assertThat(sent(esclave.onHeartbeat(fastOwner(), 0, MS))).isNotEmpty();
    var early = runUntil(esclave, 20 * MS);
    assertThat(early).allSatisfy(hb -> assertThat(hb.keepaliveMillis()).isEqualTo(5));
    // Then quiet: advertising 50 ms and five of them as its deadTime, three times at the fast rate
    // (so the peers know the longer deadTime before the first long gap), then every 50 ms.
    long t = 20 * MS;
    var quiet = new java.util.ArrayList<Heartbeat>();
    for (; t < 500 * MS; t += 5 * MS) { // the owner keeps sending every 5 ms
      quiet.addAll(sent(esclave.onHeartbeat(fastOwner(), 0, t)));
      quiet.addAll(runUntil(esclave, t + 5 * MS - 1));
    }
    var settled = quiet.subList(2, quiet.size());
    assertThat(settled).hasSizeBetween(3 + 8, 3 + 10);
    assertThat(settled)
        .allSatisfy(
            hb -> {
              assertThat(hb.keepaliveMillis()).isEqualTo(50);
              assertThat(hb.deadTimeMillis()).isEqualTo(250);
            });
    // The owner dies: the backup takes over and is fast from its first heartbeat on.
    var takeover = esclave.onTick(t + 30 * MS);
    assertThat(acquires(takeover)).isTrue();
    assertThat(sent(takeover)).allSatisfy(hb -> assertThat(hb.keepaliveMillis()).isEqualTo(5));
    var after = runUntil(esclave, t + 80 * MS);
    assertThat(after).hasSizeGreaterThanOrEqualTo(9);
    assertThat(after)
        .allSatisfy(
            hb -> {
              assertThat(hb.keepaliveMillis()).isEqualTo(5);
              assertThat(hb.deadTimeMillis()).isEqualTo(25);
            });
  }

  @Test
  void aBackupAnswersTheOwnersHeartbeatsInTheirWakeupsAndFindsThemAgainAfterALateOne() {
    var esclave = machine(TestConfigs.tutorial("esclave"), 1); // keepalive 2 s, deadTime 10 s
    esclave.start(0);
    long interval = 2000 * MS;
    long grace = interval / ProtocolMachine.ANSWER_GRACE;
    var random = new java.util.Random(27);
    var onTimer = new java.util.ArrayList<Long>();
    var answered = new java.util.ArrayList<Long>();
    long late = 0;
    long arrival = 0;
    for (int k = 1; k <= 40; k++) {
      // The owner's timer runs late by less than the grace; from the 20th on by two graces more.
      if (k == 20) late = 2 * grace;
      arrival = k * interval + 700 * MS + late + random.nextLong(grace * 3 / 4);
      onTimer.addAll(ticksUntil(esclave, arrival - 1));
      var out =
          sent(esclave.onHeartbeat(from("maitre", 200, GroupEntry.claim("vip", 1)), 0, arrival));
      if (!out.isEmpty()) answered.add(arrival);
    }
    // Settled (the owner's heartbeats 5 to 40), the backup sends only in the owner's wakeups (the
    // first answer, 700 ms after its own heartbeat, moved its grid); its timer beat the owner once,
    // at the jump, and the owner's next heartbeat was answered again.
    long settled = 5 * interval;
    assertThat(onTimer).filteredOn(t -> t > settled).hasSize(1);
    assertThat(answered).filteredOn(t -> t > settled).hasSizeBetween(35, 36);
    var sends = new java.util.ArrayList<Long>(answered);
    sends.addAll(onTimer);
    // The owner dies: the backup's timer sends again, the first a grace late, and it takes over.
    sends.addAll(ticksUntil(esclave, arrival + 9_000 * MS));
    var takeover = esclave.onTick(arrival + 10_001 * MS);
    assertThat(acquires(takeover)).isTrue();
    var after = sends.stream().filter(t -> t > settled).sorted().toList();
    for (int i = 1; i < after.size(); i++) {
      assertThat(after.get(i) - after.get(i - 1)).isLessThanOrEqualTo(interval + 2 * grace);
    }
    assertThat(after.getLast() - arrival).isGreaterThan(4 * interval);
  }

  /** Like {@link #runUntil}, but the times at which the machine's own deadlines sent heartbeats. */
  private static List<Long> ticksUntil(ProtocolMachine m, long until) {
    var out = new java.util.ArrayList<Long>();
    while (m.nextDeadlineNanos() <= until) {
      long t = m.nextDeadlineNanos();
      if (!sent(m.onTick(t)).isEmpty()) out.add(t);
    }
    return out;
  }
}
