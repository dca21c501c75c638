package dev.relais.agent.protocol;

import static dev.relais.agent.protocol.WireLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A rolling upgrade between wire version 3 (the previous release, played by a machine and codec
 * limited to it) and 4: a node of version N reads N-1 and sends it too while a peer it echoes
 * speaks only N-1; the N-1 node drops N (a version 3 node sees no magic in version 4: BAD_MAGIC),
 * because the N node sends it N-1 as well. At no moment do both nodes hold the VIP, and failover
 * works in both directions.
 */
class WireVersionTest {
  private static final int OLD = HeartbeatCodec.OLDEST_VERSION;
  private static final int NEW = HeartbeatCodec.VERSION;
  private static final long DELAY = 2 * MS;

  /**
   * Runs the lab to {@code until} in 1 ms steps, failing if both nodes hold the VIP for longer than
   * a make-before-break handoff's overlap: the new owner adds it, and the old one releases it when
   * the new claim arrives, one one-way delay later (docs/design/protocol.md, rule 3).
   */
  private void runSafely(WireLab lab, long until) {
    while (lab.now() < until) {
      lab.runUntil(Math.min(until, lab.now() + MS));
      boolean both =
          lab.node("maitre").held.contains("vip") && lab.node("esclave").held.contains("vip");
      bothSince = both ? Math.min(bothSince, lab.now()) : Long.MAX_VALUE;
      assertThat(lab.now() - bothSince)
          .as("both hold the VIP at %d ms", lab.now() / MS)
          .isLessThanOrEqualTo(DELAY);
    }
  }

  private long bothSince = Long.MAX_VALUE;

  @Test
  void anUpgradedBackupHearsAnOldOwnerAndNeverTakesTheVip() {
    var lab = new WireLab(DELAY);
    lab.start(TestConfigs.tutorial("maitre"), 10, OLD);
    lab.start(TestConfigs.tutorial("esclave"), 10, OLD);
    runSafely(lab, 20_000 * MS);
    lab.powerOff("esclave");
    runSafely(lab, 30_000 * MS);
    lab.start(TestConfigs.tutorial("esclave"), 11, NEW); // the upgraded backup
    runSafely(lab, 200_000 * MS);
    assertThat(lab.node("maitre").held).contains("vip");
    assertThat(lab.node("esclave").sentByVersion).containsKeys(OLD, NEW);
    assertThat(lab.node("maitre").rejected).containsKey(RejectReason.BAD_MAGIC);
    // The old owner dies: the upgraded node takes over after deadTime.
    lab.powerOff("maitre");
    long died = lab.now();
    long took = lab.runUntilHeld("esclave", "vip", died + 20_000 * MS);
    assertThat(took - died).isPositive().isLessThanOrEqualTo(10_000 * MS + 2 * DELAY + MS);
  }

  @Test
  void anUpgradedPreferredNodeTakesItsVipBackFromAnOldBackupMakeBeforeBreak() {
    var lab = new WireLab(DELAY);
    lab.start(TestConfigs.tutorial("maitre"), 10, OLD);
    lab.start(TestConfigs.tutorial("esclave"), 10, OLD);
    runSafely(lab, 20_000 * MS);
    lab.powerOff("maitre");
    runSafely(lab, 40_000 * MS);
    assertThat(lab.node("esclave").held).contains("vip");
    lab.start(TestConfigs.tutorial("maitre"), 11, NEW);
    runSafely(lab, 200_000 * MS);
    assertThat(lab.node("maitre").held).as("failback (Auto) across versions").contains("vip");
    assertThat(lab.node("esclave").held).isEmpty();
  }

  @Test
  void onceEveryNodeIsUpgradedOnlyTheNewVersionIsSent() {
    var lab = new WireLab(DELAY);
    lab.start(TestConfigs.tutorial("maitre"), 10, NEW);
    lab.start(TestConfigs.tutorial("esclave"), 10, OLD);
    runSafely(lab, 100_000 * MS);
    lab.powerOff("esclave");
    runSafely(lab, 120_000 * MS);
    lab.start(TestConfigs.tutorial("esclave"), 11, NEW);
    runSafely(lab, 200_000 * MS);
    int oldBefore = lab.node("maitre").sentByVersion.getOrDefault(OLD, 0);
    int newBefore = lab.node("maitre").sentByVersion.get(NEW);
    runSafely(lab, 300_000 * MS);
    assertThat(lab.node("maitre").sentByVersion.get(OLD)).isEqualTo(oldBefore);
    assertThat(lab.node("maitre").sentByVersion.get(NEW)).isGreaterThan(newBefore);
    assertThat(lab.node("esclave").sentByVersion).doesNotContainKey(OLD);
    assertThat(lab.node("maitre").held).contains("vip");
  }

  @Test
  void anOldNodeRejectsTheNewVersionAsBadVersionAndANewNodeReadsTheOld() {
    var oldCodec = new HeartbeatCodec(TestConfigs.tutorial("esclave"), OLD);
    var newCodec = new HeartbeatCodec(TestConfigs.tutorial("maitre"));
    var hb =
        new Heartbeat(
            "maitre",
            5,
            1,
            1,
            0,
            NodeStatus.ACTIVE,
            200,
            0,
            2000,
            10_000,
            java.util.List.of(GroupEntry.claim("vip", 3)),
            java.util.List.of());
    var v4 = newCodec.encode(hb);
    assertThat(oldCodec.decode(v4, 0, v4.length))
        .isEqualTo(DecodeResult.Rejected.of(RejectReason.BAD_MAGIC));
    var v3 = newCodec.encode(hb.inVersion(OLD));
    var readByNew = new HeartbeatCodec(TestConfigs.tutorial("esclave")).decode(v3, 0, v3.length);
    assertThat(readByNew).isEqualTo(new DecodeResult.Accepted(hb.inVersion(OLD), 1));
    assertThat(oldCodec.decode(v3, 0, v3.length)).isInstanceOf(DecodeResult.Accepted.class);
  }
}
