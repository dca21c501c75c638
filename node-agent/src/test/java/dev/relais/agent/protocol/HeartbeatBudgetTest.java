package dev.relais.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.DecodeResult.Accepted;
import dev.relais.model.HeartbeatSize;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The size formula the validator uses ({@link HeartbeatSize}, crds) and the codec's own are the
 * encoder's real length for the worst heartbeat a machine sends: every group held, offered on and
 * still confirming, an echo of every peer, names as long as the API allows.
 */
class HeartbeatBudgetTest {
  static final String LONG = "x".repeat(60);

  static String node(int i) {
    return String.format("n%02d-%s", i, LONG).substring(0, 63);
  }

  static String group(int i) {
    return String.format("g%02d-%s", i, LONG).substring(0, 63);
  }

  static ProtocolConfig config(int nodes, int groups, String self) {
    var base = TestConfigs.tutorial("maitre");
    var nodeSpecs = new ArrayList<NodeSpec>();
    for (int i = 0; i < nodes; i++) nodeSpecs.add(new NodeSpec(node(i), 100 + i, 2));
    var groupSpecs = new ArrayList<GroupSpec>();
    for (int i = 0; i < groups; i++) groupSpecs.add(new GroupSpec(group(i), node(0)));
    return new ProtocolConfig(
        "relais-system/" + "c".repeat(240),
        self,
        nodeSpecs,
        groupSpecs,
        base.timing(),
        base.failback(),
        java.util.Set.of(),
        java.util.Map.of(),
        base.damping(),
        base.handoffBound(),
        1,
        base.keyring());
  }

  static Heartbeat worst(int nodes, int groups) {
    var entries = new ArrayList<GroupEntry>();
    for (int i = 0; i < groups; i++) {
      long epoch = (1L << 47) + i;
      entries.add(GroupEntry.claim(group(i), epoch));
      entries.add(GroupEntry.offer(group(i), epoch + 3, node(nodes - 1)));
      entries.add(GroupEntry.confirm(group(i), epoch, node(nodes - 1)));
    }
    var echoes = new ArrayList<Echo>();
    for (int i = 1; i < nodes; i++) {
      echoes.add(new Echo(node(i), (1L << 48) - 1, Integer.MAX_VALUE, -1));
    }
    return new Heartbeat(
        node(0),
        (1L << 48) - 1, // version 4's widest: boot epoch and sequence 6 bytes, generation 4
        (1L << 48) - 1,
        0xFFFF_FFFFL,
        255,
        NodeStatus.LEAVING,
        0xFFFF,
        255,
        0xFF_FFFF, // keepalive and deadTime 3 bytes each
        0xFF_FFFF,
        entries,
        echoes);
  }

  @Test
  void theFormulaIsTheEncodersLengthForEveryClusterTheApiAdmits() {
    for (int nodes = 2; nodes <= 16; nodes++) {
      for (int groups = 1; groups <= 32; groups++) {
        var codec = new HeartbeatCodec(config(nodes, groups, node(0)));
        var datagram = codec.encode(worst(nodes, groups));
        assertThat(datagram.length)
            .as("%d nodes, %d groups", nodes, groups)
            .isEqualTo(HeartbeatSize.worstCaseBytes(nodes, groups))
            .isEqualTo(HeartbeatCodec.worstCaseBytes(nodes, groups))
            .isLessThanOrEqualTo(HeartbeatCodec.MAX_DATAGRAM_BYTES);
        assertThat(codec.encode(worst(nodes, groups).inVersion(3)))
            .as("the version 3 copy of %d nodes, %d groups", nodes, groups)
            .hasSize(HeartbeatSize.worstCaseBytesV3(nodes, groups))
            .hasSizeLessThanOrEqualTo(HeartbeatCodec.MAX_DATAGRAM_BYTES);
      }
    }
    assertThat(HeartbeatSize.BUDGET_BYTES).isEqualTo(HeartbeatCodec.MAX_DATAGRAM_BYTES);
  }

  @Test
  void theWorstHeartbeatOfTheLargestClusterIs1193BytesAndDecodesWhole() {
    var sent = worst(16, 32);
    var datagram = new HeartbeatCodec(config(16, 32, node(0))).encode(sent);
    assertThat(datagram).hasSize(1193);
    var decoded = new HeartbeatCodec(config(16, 32, node(15))).decode(datagram, 0, 1193);
    assertThat(decoded).isEqualTo(new Accepted(sent, 1));
  }

  @Test
  void aConfigWhoseHeartbeatsCouldExceedTheBudgetIsRefusedByTheCodec() {
    var tooMany = config(19, 32, node(0));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HeartbeatCodec(tooMany))
        .hasMessageContaining("1247 bytes, more than 1232");
  }

  @Test
  void aDatagramLongerThanTheBudgetIsOversizedNotABadMac() {
    var codec = new HeartbeatCodec(config(2, 1, node(1)));
    var cut = new byte[HeartbeatCodec.MAX_DATAGRAM_BYTES + 1];
    System.arraycopy(new HeartbeatCodec(config(2, 1, node(0))).encode(worst(2, 1)), 0, cut, 0, 100);
    assertThat(codec.decode(cut, 0, cut.length))
        .isEqualTo(DecodeResult.Rejected.of(RejectReason.OVERSIZED));
    assertThat(List.of(RejectReason.values())).contains(RejectReason.OVERSIZED);
  }
}
