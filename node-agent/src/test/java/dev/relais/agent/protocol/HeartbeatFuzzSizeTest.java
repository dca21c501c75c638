package dev.relais.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.DecodeResult.Accepted;
import dev.relais.agent.protocol.DecodeResult.Rejected;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing at the size edges: lengths around the fixed part and around the 1,232-byte budget, random
 * bytes and mutated, cut or padded real datagrams, half of them re-signed with the key so the
 * parser behind the MAC is reached. Never a throw; nothing longer than the budget accepted; nothing
 * accepted without the key unless it is byte for byte what was signed. A short run in the build;
 * nightly: {@code -Dfuzz.inputs=1000000} (or more).
 */
class HeartbeatFuzzSizeTest {
  private static final int INPUTS = Integer.getInteger("fuzz.inputs", 20_000);
  private static final int MAX = HeartbeatCodec.MAX_DATAGRAM_BYTES;

  @Test
  void decodingAnyLengthAroundTheEdgesNeverThrowsAndNeverAcceptsTooMuch() throws Exception {
    var sender =
        new HeartbeatCodec(HeartbeatBudgetTest.config(16, 32, HeartbeatBudgetTest.node(0)));
    var largest = sender.encode(HeartbeatBudgetTest.worst(16, 32));
    var small = new HeartbeatCodec(TestConfigs.tutorial("maitre")).encode(tutorialHeartbeat());
    var random = new Random(Long.getLong("fuzz.seed", 23));
    var mac = Mac.getInstance("HmacSHA256");
    var big = new HeartbeatCodec(HeartbeatBudgetTest.config(16, 32, HeartbeatBudgetTest.node(15)));
    var tutorial = new HeartbeatCodec(TestConfigs.tutorial("esclave"));
    int accepted = 0;
    int oversized = 0;
    for (int i = 0; i < INPUTS; i++) {
      boolean large = random.nextBoolean();
      byte[] base = large ? largest : small;
      int length = edgeLength(random, base.length);
      byte[] datagram = Arrays.copyOf(base, length); // cut or zero-padded
      if (random.nextInt(4) == 0) {
        random.nextBytes(datagram);
      }
      for (int m = random.nextInt(4); m > 0 && length > 0; m--) {
        datagram[random.nextInt(length)] ^= (byte) (1 + random.nextInt(255));
      }
      boolean resigned = random.nextBoolean() && length >= HeartbeatCodec.MAC_BYTES;
      if (resigned) { // HMAC-SHA-256-128, as version 4 signs
        mac.init(new SecretKeySpec(TestConfigs.KEY_1, "HmacSHA256"));
        mac.update(datagram, 0, length - HeartbeatCodec.MAC_BYTES);
        System.arraycopy(
            mac.doFinal(),
            0,
            datagram,
            length - HeartbeatCodec.MAC_BYTES,
            HeartbeatCodec.MAC_BYTES);
      }
      var codec = large ? big : tutorial;
      DecodeResult result;
      try {
        result = codec.decode(datagram, 0, length);
      } catch (RuntimeException e) {
        throw new AssertionError("input " + i + " (" + length + " bytes) threw", e);
      }
      if (length > MAX) {
        assertThat(result).isEqualTo(Rejected.of(RejectReason.OVERSIZED));
        oversized++;
      }
      if (result instanceof Accepted) {
        accepted++;
        assertThat(length).isLessThanOrEqualTo(MAX);
        if (!resigned) {
          assertThat(datagram).as("accepted without the key").isEqualTo(base);
        }
        // A fresh receiver, so its replay window hides no later input.
        if (large) {
          big =
              new HeartbeatCodec(HeartbeatBudgetTest.config(16, 32, HeartbeatBudgetTest.node(15)));
        } else {
          tutorial = new HeartbeatCodec(TestConfigs.tutorial("esclave"));
        }
      }
    }
    assertThat(oversized).isPositive();
    assertThat(accepted).isPositive(); // the unmutated and well re-signed ones get through
  }

  @Test
  void theLargestHeartbeatIsAcceptedAndOneBytePaddedIsRejectedAsSuch() {
    var sent = HeartbeatBudgetTest.worst(16, 32);
    var datagram =
        new HeartbeatCodec(HeartbeatBudgetTest.config(16, 32, HeartbeatBudgetTest.node(0)))
            .encode(sent);
    var receiver =
        new HeartbeatCodec(HeartbeatBudgetTest.config(16, 32, HeartbeatBudgetTest.node(15)));
    var padded = Arrays.copyOf(datagram, MAX + 1);
    assertThat(receiver.decode(padded, 0, padded.length))
        .isEqualTo(Rejected.of(RejectReason.OVERSIZED));
    assertThat(receiver.decode(padded, 0, MAX)).isEqualTo(Rejected.of(RejectReason.BAD_MAC));
    assertThat(receiver.decode(datagram, 0, datagram.length)).isEqualTo(new Accepted(sent, 1));
  }

  /** Half the lengths near the fixed part or the budget, the rest anywhere up to twice it. */
  private static int edgeLength(Random random, int own) {
    return switch (random.nextInt(5)) {
      case 0 -> Math.max(0, HeartbeatCodec.MIN_BYTES - 3 + random.nextInt(6));
      case 1 -> MAX - 3 + random.nextInt(6);
      case 2 -> Math.max(0, own - 2 + random.nextInt(4));
      case 3 -> random.nextInt(2 * MAX);
      default -> own;
    };
  }

  private static Heartbeat tutorialHeartbeat() {
    return new Heartbeat(
        "maitre",
        1_700_000_000L,
        9,
        7,
        0,
        NodeStatus.ACTIVE,
        200,
        3,
        2000,
        10_000,
        java.util.List.of(GroupEntry.claim("vip", 4), GroupEntry.offer("vip", 5, "esclave")),
        java.util.List.of(new Echo("esclave", 41, 1_250, 77)));
  }
}
