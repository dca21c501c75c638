package dev.relais.agent.protocol;

import static dev.relais.agent.protocol.WireLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.DecodeResult.Accepted;
import dev.relais.agent.protocol.DecodeResult.Rejected;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Version 4's group indices (docs/design/protocol.md, "Group indices"): an index is read only
 * against the table whose revision the heartbeat names, this config's or one this node ran before;
 * a table it never had is dropped, never guessed. And the common case's size, which must not grow.
 */
class GroupIndexTest {
  private static ProtocolConfig withGroups(ProtocolConfig c, String... groups) {
    var specs = new ArrayList<GroupSpec>();
    for (var g : groups) {
      specs.add(new GroupSpec(g, "maitre"));
    }
    return new ProtocolConfig(
        c.clusterId(),
        c.self(),
        c.nodes(),
        specs,
        c.timing(),
        c.failback(),
        Set.of(),
        Map.of(),
        c.damping(),
        c.handoffBound(),
        c.generation(),
        c.keyring());
  }

  private static ProtocolConfig config(String self, String... groups) {
    return withGroups(TestConfigs.tutorial(self), groups);
  }

  private static Heartbeat claims(ProtocolConfig sender, boolean indices, String... groups) {
    var entries = new ArrayList<GroupEntry>();
    for (var g : groups) {
      entries.add(GroupEntry.claim(g, 3));
    }
    return new Heartbeat(
        "maitre",
        1_700_000_000L,
        1,
        1,
        0,
        NodeStatus.ACTIVE,
        200,
        0,
        2000,
        10_000,
        entries,
        List.of(new Echo("esclave", 41, 1_250, 7)),
        HeartbeatCodec.VERSION,
        HeartbeatCodec.groupTable(sender),
        indices);
  }

  @Test
  void indicesIntoTheSameTableRoundTripAndSaveThreeBytesAGroup() {
    var sender = config("maitre", "a", "b", "c");
    var codec = new HeartbeatCodec(sender);
    var hb = claims(sender, true, "c", "a");
    var withIds = codec.encode(hb.withGroupTable(hb.groupTable(), false));
    var indexed = codec.encode(hb);
    assertThat(indexed.length).isEqualTo(withIds.length - 2 * 3);
    var receiver = new HeartbeatCodec(config("esclave", "a", "b", "c"));
    assertThat(receiver.decode(indexed, 0, indexed.length)).isEqualTo(new Accepted(hb, 1));
  }

  @Test
  void anIndexIntoATableTheReceiverNeverRanIsDroppedNotMisread() {
    // Same generation, same groups in another order: index 0 is "a" there, "c" here.
    var sender = config("maitre", "a", "b", "c");
    var datagram = new HeartbeatCodec(sender).encode(claims(sender, true, "a"));
    var receiver = new HeartbeatCodec(config("esclave", "c", "b", "a"));
    assertThat(receiver.decode(datagram, 0, datagram.length))
        .isEqualTo(Rejected.of(RejectReason.UNKNOWN_GROUP_TABLE));
    // With ids, the same claim reads exactly.
    var ids =
        new HeartbeatCodec(sender).encode(claims(sender, false, "a").withGroupTable(0, false));
    var read = (Accepted) receiver.decode(ids, 0, ids.length);
    assertThat(read.heartbeat().entries()).containsExactly(GroupEntry.claim("a", 3));
  }

  @Test
  void anIndexIntoTheReceiversPreviousTableIsReadByThatTable() {
    var before = config("esclave", "a", "b", "c");
    var receiver = new HeartbeatCodec(before);
    receiver.reconfigure(config("esclave", "c", "a")); // "b" dropped, order changed
    var sender = config("maitre", "a", "b", "c"); // has not heard our new table yet
    var datagram = new HeartbeatCodec(sender).encode(claims(sender, true, "a", "b", "c"));
    var read = (Accepted) receiver.decode(datagram, 0, datagram.length);
    assertThat(read.heartbeat().entries())
        .containsExactly(GroupEntry.claim("a", 3), GroupEntry.claim("c", 3));
  }

  @Test
  void theEncoderFallsBackToIdsWhenAskedForIndicesIntoATableNotItsOwn() {
    var sender = config("maitre", "a", "b");
    var codec = new HeartbeatCodec(sender);
    var stale = claims(config("maitre", "b", "a"), true, "a");
    var datagram = codec.encode(stale);
    var read =
        (Accepted)
            new HeartbeatCodec(config("esclave", "b", "a")).decode(datagram, 0, datagram.length);
    assertThat(read.heartbeat().groupIndices()).isFalse();
    assertThat(read.heartbeat().entries()).containsExactly(GroupEntry.claim("a", 3));
  }

  @Test
  void anIndexPastTheTableIsMalformed() {
    var sender = config("maitre", "a");
    var codec = new HeartbeatCodec(sender);
    var datagram = codec.encode(claims(sender, true, "a"));
    // The claim's index follows the fixed header, the entry count and the entry's flags.
    int index = WireFormat.V4.minBytes - 2 - HeartbeatCodec.MAC_BYTES + 1 + 1;
    assertThat(datagram[index]).isEqualTo((byte) 0);
    datagram[index] = 1;
    HeartbeatCodecTest.resign(datagram);
    assertThat(new HeartbeatCodec(config("esclave", "a")).decode(datagram, 0, datagram.length))
        .isEqualTo(Rejected.of(RejectReason.MALFORMED));
  }

  @Test
  void aConfigChangeSendsIdsUntilThePeerAdvertisesTheSameTable() {
    var lab = new WireLab(2 * MS);
    var maitre = lab.start(config("maitre", "a", "b"), 10, HeartbeatCodec.VERSION);
    var esclave = lab.start(config("esclave", "a", "b"), 10, HeartbeatCodec.VERSION);
    var sent = new ArrayList<byte[]>();
    lab.record("maitre", sent::add);
    lab.runUntil(30_000 * MS);
    assertThat(maitre.held).containsExactlyInAnyOrder("a", "b");
    assertThat(sent.getLast()).hasSize(59 + 2 * 8 + 18); // two claims as indices, one echo
    var next = config("maitre", "b", "a");
    maitre.codec.reconfigure(next);
    lab.apply(maitre, maitre.machine.onConfig(next, lab.now()));
    lab.runUntil(lab.now() + MS);
    assertThat(sent.getLast()).as("ids at once after our change").hasSize(59 + 2 * 11 + 18);
    lab.runUntil(lab.now() + 30_000 * MS);
    assertThat(sent.getLast()).as("esclave still on the old table").hasSize(59 + 2 * 11 + 18);
    var esclaveNext = config("esclave", "b", "a");
    esclave.codec.reconfigure(esclaveNext);
    lab.apply(esclave, esclave.machine.onConfig(esclaveNext, lab.now()));
    lab.runUntil(lab.now() + 5_000 * MS);
    assertThat(sent.getLast()).as("both on the new table").hasSize(59 + 2 * 8 + 18);
    assertThat(esclave.held).isEmpty();
    assertThat(maitre.rejected).isEmpty();
    assertThat(esclave.rejected).isEmpty();
  }

  /** The common case (tutorial: one group, two nodes) at most 86 bytes: a 128-byte frame. */
  @Test
  void theTutorialOwnersIdleHeartbeatIsAtMost86BytesAndTheBackups77() {
    var lab = new WireLab(2 * MS);
    lab.start(TestConfigs.tutorial("maitre"), 10, HeartbeatCodec.VERSION);
    lab.start(TestConfigs.tutorial("esclave"), 10, HeartbeatCodec.VERSION);
    var owner = new ArrayList<Integer>();
    var backup = new ArrayList<Integer>();
    lab.runUntil(30_000 * MS);
    assertThat(lab.node("maitre").held).contains("vip");
    lab.record("maitre", b -> owner.add(b.length));
    lab.runUntil(60_000 * MS);
    lab.record("esclave", b -> backup.add(b.length));
    lab.runUntil(90_000 * MS);
    assertThat(owner).isNotEmpty().allSatisfy(n -> assertThat(n).isEqualTo(85));
    assertThat(backup).isNotEmpty().allSatisfy(n -> assertThat(n).isEqualTo(77));
    assertThat(owner.getFirst() + 14 + 20 + 8)
        .as("on an Ethernet, IPv4 wire")
        .isLessThanOrEqualTo(128);
  }
}
