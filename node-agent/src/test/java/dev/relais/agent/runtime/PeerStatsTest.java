package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.Echo;
import dev.relais.agent.protocol.Heartbeat;
import dev.relais.agent.protocol.NodeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerStatsTest {
  private static final long MS = 1_000_000L;

  private static Heartbeat from(long bootEpoch, long sequence, int path) {
    return new Heartbeat(
        "esclave",
        bootEpoch,
        sequence,
        1,
        path,
        NodeStatus.ACTIVE,
        100,
        0,
        5,
        25,
        List.of(),
        List.of());
  }

  @Test
  void roundTripIsTheEchoArrivalMinusOurSendTimeMinusThePeersHold() {
    var stats = new PeerStats();
    stats.sent(41, 100 * MS);
    assertThat(stats.roundTripNanos(new Echo("maitre", 41, 2_000), 103 * MS)).isEqualTo(MS);
    assertThat(stats.roundTripNanos(new Echo("maitre", 40, 0), 103 * MS)).isEqualTo(-1);
    stats.sent(41 + 256, 200 * MS); // the slot is reused: the old sequence is forgotten
    assertThat(stats.roundTripNanos(new Echo("maitre", 41, 0), 203 * MS)).isEqualTo(-1);
  }

  @Test
  void missedHeartbeatsAreGapsPerPathInStepsOfTheSendersPathCount() {
    var stats = new PeerStats();
    assertThat(stats.missedBefore(from(1, 1, 0), 2)).isZero();
    assertThat(stats.missedBefore(from(1, 2, 1), 2)).isZero();
    assertThat(stats.missedBefore(from(1, 3, 0), 2)).isZero(); // 1 -> 3 on path 0: none lost
    assertThat(stats.missedBefore(from(1, 9, 0), 2)).isEqualTo(2); // 5 and 7 lost
    assertThat(stats.missedBefore(from(1, 4, 1), 2)).isZero();
    assertThat(stats.missedBefore(from(1, 7, 0), 2)).isZero(); // late: counted already
    assertThat(stats.missedBefore(from(2, 1, 0), 2)).isZero(); // a restart starts over
    assertThat(stats.missedBefore(from(2, 4, 0), 1)).isEqualTo(2);
  }
}
