package dev.relais.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.DecodeResult.Accepted;
import dev.relais.agent.protocol.DecodeResult.Rejected;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HeartbeatCodecTest {
  private final HeartbeatCodec maitre = new HeartbeatCodec(TestConfigs.tutorial("maitre"));
  private final HeartbeatCodec esclave = new HeartbeatCodec(TestConfigs.tutorial("esclave"));

  private static Heartbeat heartbeat(long bootEpoch, long sequence, List<GroupEntry> entries) {
    return new Heartbeat(
        "maitre",
        bootEpoch,
        sequence,
        7,
        0,
        NodeStatus.ACTIVE,
        200,
        3,
        2000,
        10_000,
        entries,
        List.of());
  }

  private static Heartbeat heartbeat(long sequence) {
    return heartbeat(
        1_700_000_000L,
        sequence,
        List.of(
            GroupEntry.claim("vip", 4),
            GroupEntry.offer("vip", 5, "esclave"),
            GroupEntry.confirm("vip", 4, "esclave")));
  }

  private RejectReason rejection(byte[] datagram) {
    return switch (esclave.decode(datagram, 0, datagram.length)) {
      case Accepted a -> throw new AssertionError("accepted " + a);
      case Rejected(RejectReason reason) -> reason;
    };
  }

  @Test
  void roundTripKeepsEveryField() {
    var sent = heartbeat(1);
    var datagram = maitre.encode(sent);
    assertThat(datagram).hasSize(maitre.encodedLength(sent));
    assertThat(esclave.decode(datagram, 0, datagram.length)).isEqualTo(new Accepted(sent, 1));
  }

  @Test
  void echoesRoundTripAndEchoesOfUnknownNodesAreSkipped() {
    var base = heartbeat(1);
    var withEchoes =
        new Heartbeat(
            base.sender(),
            base.bootEpoch(),
            base.sequence(),
            base.configGeneration(),
            base.path(),
            base.status(),
            base.priority(),
            base.pingReach(),
            base.keepaliveMillis(),
            base.deadTimeMillis(),
            base.entries(),
            List.of(new Echo("esclave", 41, 1_250), new Echo("intrus", 7, 3)));
    var datagram = maitre.encode(withEchoes);
    assertThat(datagram).hasSize(maitre.encodedLength(withEchoes));
    var decoded = esclave.decode(datagram, 0, datagram.length);
    assertThat(decoded)
        .isInstanceOfSatisfying(
            Accepted.class,
            a ->
                assertThat(a.heartbeat().echoes()).containsExactly(new Echo("esclave", 41, 1_250)));
  }

  @Test
  void decodesAtAnOffsetInsideALargerBuffer() {
    var sent = heartbeat(1);
    var buf = new byte[600];
    int len = maitre.encode(sent, buf, 100);
    assertThat(esclave.decode(buf, 100, len)).isEqualTo(new Accepted(sent, 1));
  }

  @Test
  void acceptedNamesAreTheConfigsOwnStrings() {
    var datagram = maitre.encode(heartbeat(1));
    var accepted = (Accepted) esclave.decode(datagram, 0, datagram.length);
    var config = TestConfigs.tutorial("esclave");
    assertThat(accepted.heartbeat().sender()).isSameAs(config.nodes().get(0).name());
  }

  @Test
  void shortDatagramIsTruncated() {
    var datagram = maitre.encode(heartbeat(1));
    assertThat(esclave.decode(datagram, 0, HeartbeatCodec.MIN_BYTES - 1))
        .isEqualTo(Rejected.of(RejectReason.TRUNCATED));
    assertThat(esclave.decode(datagram, 5, datagram.length))
        .isEqualTo(Rejected.of(RejectReason.TRUNCATED));
  }

  @Test
  void otherProtocolIsBadVersionAndVersion3FramingWithoutItsMagicIsBadMagic() {
    // Version 4 starts with its version byte; only version 3 (0x52 0x4C, 3) has a magic.
    var datagram = maitre.encode(heartbeat(1));
    datagram[0] = '#';
    assertThat(rejection(datagram)).isEqualTo(RejectReason.BAD_VERSION);
    var v3 = maitre.encode(heartbeat(1).inVersion(3));
    assertThat(v3[0]).isEqualTo((byte) 0x52);
    v3[1] = '#';
    assertThat(rejection(v3)).isEqualTo(RejectReason.BAD_MAGIC);
  }

  @Test
  void versionsNeitherCurrentNorThePreviousAreBadVersion() {
    var datagram = maitre.encode(heartbeat(1));
    datagram[0] = (byte) (HeartbeatCodec.VERSION + 1);
    assertThat(rejection(datagram)).isEqualTo(RejectReason.BAD_VERSION);
    var v2 = maitre.encode(heartbeat(1).inVersion(3));
    v2[2] = 2; // version 2's framing: dropped with version 4
    assertThat(rejection(v2)).isEqualTo(RejectReason.BAD_VERSION);
  }

  @Test
  void keyIdOutsideTheRingIsUnknownKey() {
    var datagram = maitre.encode(heartbeat(1));
    datagram[1] = 9;
    assertThat(rejection(datagram)).isEqualTo(RejectReason.UNKNOWN_KEY);
  }

  @Test
  void theMacIsHmacSha256TruncatedTo128Bits() throws GeneralSecurityException {
    var datagram = maitre.encode(heartbeat(1));
    var mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(TestConfigs.KEY_1, "HmacSHA256"));
    var full = mac.doFinal(Arrays.copyOf(datagram, datagram.length - 16));
    assertThat(Arrays.copyOfRange(datagram, datagram.length - 16, datagram.length))
        .isEqualTo(Arrays.copyOf(full, 16));
    var v3 = maitre.encode(heartbeat(1).inVersion(3));
    assertThat(Arrays.copyOfRange(v3, v3.length - 32, v3.length))
        .isEqualTo(mac.doFinal(Arrays.copyOf(v3, v3.length - 32)));
  }

  @Test
  void anyFlippedBitIsBadMac() {
    var datagram = maitre.encode(heartbeat(1));
    for (int i = 2; i < datagram.length; i++) {
      var copy = datagram.clone();
      copy[i] ^= 0x10;
      assertThat(rejection(copy)).as("byte %d", i).isEqualTo(RejectReason.BAD_MAC);
    }
  }

  @Test
  void sameKeyIdWithAnotherKeyIsBadMac() {
    var forger =
        new HeartbeatCodec(
            TestConfigs.withKeyring(
                TestConfigs.tutorial("maitre"), new Keyring(Map.of(1, TestConfigs.KEY_2), 1)));
    assertThat(rejection(forger.encode(heartbeat(1)))).isEqualTo(RejectReason.BAD_MAC);
  }

  @Test
  void anyListedKeyVerifiesAndTheActiveOneSigns() {
    var rotating =
        TestConfigs.withKeyring(
            TestConfigs.tutorial("maitre"),
            new Keyring(Map.of(1, TestConfigs.KEY_1, 2, TestConfigs.KEY_2), 2));
    var receiver =
        new HeartbeatCodec(
            TestConfigs.withKeyring(
                TestConfigs.tutorial("esclave"),
                new Keyring(Map.of(1, TestConfigs.KEY_1, 2, TestConfigs.KEY_2), 1)));
    var fromNewKey = new HeartbeatCodec(rotating).encode(heartbeat(1));
    var fromOldKey = maitre.encode(heartbeat(2));
    assertThat(receiver.decode(fromNewKey, 0, fromNewKey.length))
        .isEqualTo(new Accepted(heartbeat(1), 2));
    assertThat(receiver.decode(fromOldKey, 0, fromOldKey.length))
        .isEqualTo(new Accepted(heartbeat(2), 1));
  }

  @Test
  void otherClusterWithTheSameKeyIsForeign() {
    var neighbour =
        new HeartbeatCodec(TestConfigs.withCluster(TestConfigs.tutorial("maitre"), "other"));
    assertThat(rejection(neighbour.encode(heartbeat(1)))).isEqualTo(RejectReason.FOREIGN_CLUSTER);
  }

  @Test
  void senderMissingFromTheConfigIsUnknownNode() {
    var config = TestConfigs.tutorial("maitre");
    var stranger =
        new HeartbeatCodec(
            TestConfigs.withNodes(
                config, List.of(config.nodes().get(0), new NodeSpec("intrus", 1, 1))));
    var hb =
        new Heartbeat(
            "intrus", 1, 1, 1, 0, NodeStatus.ACTIVE, 1, 0, 2000, 10_000, List.of(), List.of());
    assertThat(rejection(stranger.encode(hb))).isEqualTo(RejectReason.UNKNOWN_NODE);
  }

  @Test
  void loopedBackOwnDatagramIsOwnMessage() {
    var datagram = maitre.encode(heartbeat(1));
    assertThat(maitre.decode(datagram, 0, datagram.length))
        .isEqualTo(Rejected.of(RejectReason.OWN_MESSAGE));
  }

  @Test
  void authenticButBrokenStructureIsMalformed() {
    var sent = heartbeat(1);
    var datagram = maitre.encode(sent);
    // Re-sign a datagram whose status code is out of range, as a buggy sender would.
    // version, key id, cluster tag 4, sender 4, boot 6, sequence 6, generation 4, table 4, path
    int statusOffset = 2 + 4 + 4 + 6 + 6 + 4 + 4 + 1;
    datagram[statusOffset] = 42;
    resign(datagram);
    assertThat(rejection(datagram)).isEqualTo(RejectReason.MALFORMED);
  }

  @Test
  void replayedDatagramIsRejected() {
    var datagram = maitre.encode(heartbeat(5));
    assertThat(esclave.decode(datagram, 0, datagram.length)).isInstanceOf(Accepted.class);
    assertThat(rejection(datagram)).isEqualTo(RejectReason.REPLAY);
  }

  @Test
  void reorderedDatagramsInsideTheWindowAreAccepted() {
    var late = maitre.encode(heartbeat(10));
    var early = maitre.encode(heartbeat(70));
    assertThat(esclave.decode(early, 0, early.length)).isInstanceOf(Accepted.class);
    assertThat(esclave.decode(late, 0, late.length)).isInstanceOf(Accepted.class);
    var tooOld = maitre.encode(heartbeat(6));
    assertThat(rejection(tooOld)).isEqualTo(RejectReason.REPLAY);
  }

  @Test
  void earlierBootEpochIsAReplayAndLaterOneResetsTheWindow() {
    var current = maitre.encode(heartbeat(200, 50, List.of()));
    var previousBoot = maitre.encode(heartbeat(199, 900, List.of()));
    var nextBoot = maitre.encode(heartbeat(201, 1, List.of()));
    assertThat(esclave.decode(current, 0, current.length)).isInstanceOf(Accepted.class);
    assertThat(rejection(previousBoot)).isEqualTo(RejectReason.REPLAY);
    assertThat(esclave.decode(nextBoot, 0, nextBoot.length)).isInstanceOf(Accepted.class);
  }

  @Test
  void unknownGroupEntriesAreSkipped() {
    var hb = heartbeat(1, 1, List.of(GroupEntry.claim("vip", 3), GroupEntry.claim("new", 1)));
    // The sender is on a newer config generation that already has group "new".
    var datagram = maitre.encode(hb);
    var accepted = (Accepted) esclave.decode(datagram, 0, datagram.length);
    assertThat(accepted.heartbeat().entries()).containsExactly(GroupEntry.claim("vip", 3));
  }

  @Test
  void randomAndMutatedDatagramsNeverThrowAndAreNeverAcceptedWithoutTheKey() {
    var random = new Random(13);
    var valid = maitre.encode(heartbeat(1));
    for (int i = 0; i < 200_000; i++) {
      byte[] datagram;
      if (i % 2 == 0) {
        datagram = new byte[random.nextInt(200)];
        random.nextBytes(datagram);
        if (datagram.length > 4 && random.nextBoolean()) {
          System.arraycopy(valid, 0, datagram, 0, 4); // get past the framing checks
        }
      } else {
        datagram = mutate(valid, random);
      }
      var result = esclave.decode(datagram, 0, datagram.length);
      assertThat(result).as("datagram %d", i).isInstanceOf(Rejected.class);
    }
  }

  @Test
  void mutatedDatagramsResignedWithTheKeyNeverThrowTheParser() {
    // Authentic garbage (a buggy or compromised keyholder) must still only be rejected or parsed.
    var random = new Random(4303);
    var valid = maitre.encode(heartbeat(1));
    int accepted = 0;
    for (int i = 0; i < 100_000; i++) {
      var datagram = mutate(valid, random);
      if (datagram.length >= HeartbeatCodec.MIN_BYTES) {
        datagram[0] = valid[0];
        datagram[1] = valid[1];
        resign(datagram);
      }
      var receiver = new HeartbeatCodec(TestConfigs.tutorial("esclave"));
      if (receiver.decode(datagram, 0, datagram.length) instanceof Accepted) {
        accepted++;
      }
    }
    assertThat(accepted).as("some mutations stay well-formed").isPositive();
  }

  private static byte[] mutate(byte[] valid, Random random) {
    var out = valid.clone();
    switch (random.nextInt(3)) {
      case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 + random.nextInt(255));
      case 1 -> out = Arrays.copyOf(out, random.nextInt(out.length));
      default -> out = Arrays.copyOf(out, out.length + 1 + random.nextInt(8));
    }
    return out;
  }

  /** Signs as version 4 does: HMAC-SHA-256 truncated to its first 16 bytes. */
  static void resign(byte[] datagram) {
    try {
      var mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(TestConfigs.KEY_1, "HmacSHA256"));
      mac.update(datagram, 0, datagram.length - HeartbeatCodec.MAC_BYTES);
      var full = mac.doFinal();
      System.arraycopy(
          full, 0, datagram, datagram.length - HeartbeatCodec.MAC_BYTES, HeartbeatCodec.MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void peekReadsTheClusterTagOfAHeartbeatWithoutItsKey() {
    var datagram = maitre.encode(heartbeat(1));
    assertThat(HeartbeatCodec.peekClusterTag(datagram, 0, datagram.length))
        .hasValue(HeartbeatCodec.clusterTag("tutorial"));
    assertThat(HeartbeatCodec.clusterTag("tutorial")).isNotEqualTo(HeartbeatCodec.clusterTag("x"));
    var framed = new byte[datagram.length + 3];
    System.arraycopy(datagram, 0, framed, 2, datagram.length);
    assertThat(HeartbeatCodec.peekClusterTag(framed, 2, datagram.length))
        .hasValue(HeartbeatCodec.clusterTag("tutorial"));
    // Version 3's 8-byte tag starts with version 4's: one routing key serves both.
    var v3 = maitre.encode(heartbeat(1).inVersion(3));
    assertThat(HeartbeatCodec.peekClusterTag(v3, 0, v3.length))
        .hasValue(HeartbeatCodec.clusterTag("tutorial"));
  }

  @Test
  void peekFindsNoTagInWhatIsNotAHeartbeat() {
    var datagram = maitre.encode(heartbeat(1));
    assertThat(HeartbeatCodec.peekClusterTag(datagram, 0, 10)).isEmpty();
    assertThat(HeartbeatCodec.peekClusterTag(datagram, 1, datagram.length)).isEmpty();
    assertThat(HeartbeatCodec.peekClusterTag(datagram, -1, 5)).isEmpty();
    var other = datagram.clone();
    other[0] = 99;
    assertThat(HeartbeatCodec.peekClusterTag(other, 0, other.length)).isEmpty();
    var v2 = maitre.encode(heartbeat(1).inVersion(3));
    v2[2] = 2;
    assertThat(HeartbeatCodec.peekClusterTag(v2, 0, v2.length)).isEmpty();
    assertThat(HeartbeatCodec.peekClusterTag(datagram, 0, HeartbeatCodec.MIN_BYTES - 1)).isEmpty();
  }
}
