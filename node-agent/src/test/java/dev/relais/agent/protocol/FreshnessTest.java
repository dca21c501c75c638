package dev.relais.agent.protocol;

import static dev.relais.agent.protocol.WireLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Replay after a restart (issue 23): an attacker without the key records a peer's heartbeats, the
 * peer dies, this node restarts, and the recording is played to it. A datagram that could have been
 * recorded before this node started proves nothing, so the takeover comes by initDead + deadTime +
 * one round trip at the latest, whatever the recording and however it is played.
 */
class FreshnessTest {
  private static final long DELAY = 3 * MS;
  private static final Timing TIMING = Timing.tutorial(); // 2 s, 6 s, 10 s, 60 s

  private static long bound() {
    return TIMING.initDead().toNanos() + TIMING.deadTime().toNanos() + 2 * DELAY;
  }

  /** maitre owns the VIP for 100 s while every datagram it sends is recorded. */
  private static List<byte[]> recordedOwner(WireLab lab) {
    var recording = new ArrayList<byte[]>();
    lab.start(TestConfigs.tutorial("maitre"), 1_000, HeartbeatCodec.VERSION);
    lab.start(TestConfigs.tutorial("esclave"), 2_000, HeartbeatCodec.VERSION);
    lab.record("maitre", recording::add);
    lab.runUntil(100_000 * MS);
    assertThat(lab.node("maitre").held).contains("vip");
    assertThat(recording).hasSizeGreaterThan(40);
    return recording;
  }

  @Test
  void aRestartedNodeTakesOverWithinTheBoundWhileARecordingOfTheDeadOwnerIsReplayed() {
    for (long seed = 0; seed < 50; seed++) {
      var lab = new WireLab(DELAY);
      var recording = recordedOwner(lab);
      lab.powerOff("maitre");
      lab.powerOff("esclave");
      long restart = lab.now() + 5 * MS;
      lab.runUntil(restart);
      lab.start(TestConfigs.tutorial("esclave"), 2_001, HeartbeatCodec.VERSION);
      // The adversary plays the recording in order, one datagram every 0..4 s (seeded), over and
      // over, and sometimes a burst of it at once.
      var random = new Random(seed);
      long deadline = restart + bound();
      long tookOver = -1;
      int next = 0;
      while (lab.now() < deadline && tookOver < 0) {
        int burst = random.nextInt(10) == 0 ? 20 : 1;
        for (int i = 0; i < burst; i++) {
          lab.inject("esclave", recording.get(next++ % recording.size()));
        }
        tookOver = lab.runUntilHeld("esclave", "vip", lab.now() + random.nextLong(4_000) * MS);
      }
      if (tookOver < 0) {
        tookOver = lab.runUntilHeld("esclave", "vip", deadline);
      }
      assertThat(tookOver).as("seed %d: takeover", seed).isPositive();
      assertThat(tookOver - restart).as("seed %d", seed).isLessThanOrEqualTo(bound());
      assertThat(lab.node("esclave").reports)
          .as("the recorded owner never counts as alive")
          .noneMatch(r -> r.reason() == Reason.PEER_ALIVE && r.subject().equals("maitre"));
    }
  }

  @Test
  void withoutAReplayTheRestartedNodeTakesOverAtInitDead() {
    var lab = new WireLab(DELAY);
    recordedOwner(lab);
    lab.powerOff("maitre");
    lab.powerOff("esclave");
    long restart = lab.now();
    lab.start(TestConfigs.tutorial("esclave"), 2_001, HeartbeatCodec.VERSION);
    long tookOver = lab.runUntilHeld("esclave", "vip", restart + bound());
    assertThat(tookOver - restart)
        .isGreaterThanOrEqualTo(TIMING.initDead().toNanos())
        .isLessThanOrEqualTo(TIMING.initDead().toNanos() + MS);
  }

  @Test
  void aLivePeerIsProvenWithinARoundTripOfARestart() {
    var lab = new WireLab(DELAY);
    recordedOwner(lab);
    lab.powerOff("esclave");
    lab.runUntil(lab.now() + 30_000 * MS);
    long restart = lab.now();
    lab.start(TestConfigs.tutorial("esclave"), 2_001, HeartbeatCodec.VERSION);
    lab.runUntil(restart + 4 * DELAY);
    assertThat(lab.node("esclave").reports)
        .anyMatch(r -> r.reason() == Reason.PEER_ALIVE && r.subject().equals("maitre"))
        .anyMatch(r -> r.reason() == Reason.CLUSTER_HEARD);
    assertThat(lab.node("maitre").reports)
        .anyMatch(r -> r.reason() == Reason.PEER_ALIVE && r.subject().equals("esclave"));
    lab.runUntil(restart + 120_000 * MS);
    assertThat(lab.node("maitre").held).contains("vip");
    assertThat(lab.node("esclave").held).isEmpty();
  }

  @Test
  void heartbeatsOfAProvenBootSentBeforeTheProofDoNotKeepAPeerAlive() {
    var lab = new WireLab(DELAY);
    var recording = recordedOwner(lab);
    // esclave restarts while maitre lives: maitre's boot is proven anew from a later heartbeat.
    lab.powerOff("esclave");
    lab.start(TestConfigs.tutorial("esclave"), 2_001, HeartbeatCodec.VERSION);
    lab.runUntil(lab.now() + 1_000 * MS);
    lab.powerOff("maitre");
    long died = lab.now();
    // The same boot's older datagrams, never delivered to the new esclave, come now.
    for (int i = recording.size() - 30; i < recording.size(); i++) {
      lab.inject("esclave", recording.get(i));
    }
    long tookOver = lab.runUntilHeld("esclave", "vip", died + 60_000 * MS);
    assertThat(tookOver - died).isLessThanOrEqualTo(TIMING.deadTime().toNanos() + 2 * DELAY);
  }
}
