package dev.relais.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.Effect.Report;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MembershipTest {
  private static final long S = 1_000_000_000L;
  private static final long BOOT = 7;
  private final List<Effect> out = new ArrayList<>();

  private static Heartbeat from(String sender, long seq, int path, int deadTimeMillis) {
    return new Heartbeat(
        sender,
        1,
        seq,
        1,
        path,
        NodeStatus.ACTIVE,
        100,
        0,
        2000,
        deadTimeMillis,
        List.of(),
        List.of(new Echo("maitre", 1, 0, Echo.tagOf(BOOT))));
  }

  private static Membership twoPaths() {
    var c = TestConfigs.tutorial("maitre");
    var config =
        TestConfigs.withNodes(
            c, List.of(new NodeSpec("maitre", 200, 2), new NodeSpec("esclave", 100, 2)));
    return new Membership(config, 0, BOOT);
  }

  private List<Reason> reasons() {
    return out.stream().filter(e -> e instanceof Report).map(e -> ((Report) e).reason()).toList();
  }

  @Test
  void silentPeerIsLateAfterWarnTimeAndDeadAfterItsAdvertisedDeadTime() {
    var m = twoPaths();
    m.onHeartbeat(from("esclave", 1, 0, 10_000), 0, 0, out);
    m.onHeartbeat(from("esclave", 2, 1, 10_000), 1, 0, out);
    out.clear();
    m.onTick(6 * S, out);
    assertThat(reasons()).isEmpty();
    m.onTick(6 * S + 1, out);
    assertThat(reasons()).containsExactly(Reason.PEER_LATE);
    out.clear();
    assertThat(m.nextDeadline()).isEqualTo(10 * S + 1);
    m.onTick(10 * S + 1, out);
    assertThat(reasons()).contains(Reason.PEER_DEAD);
    assertThat(m.peer("esclave").alive).isFalse();
  }

  @Test
  void peerIsJudgedByTheDeadTimeItAdvertisesNotOurs() {
    var m = twoPaths();
    m.onHeartbeat(from("esclave", 1, 0, 30_000), 0, 0, out);
    m.onTick(20 * S, out);
    assertThat(m.peer("esclave").alive).isTrue();
    m.onTick(30 * S + 1, out);
    assertThat(m.peer("esclave").alive).isFalse();
  }

  @Test
  void onePathSilentIsReportedButThePeerStaysAlive() {
    var m = twoPaths();
    for (int i = 0; i <= 12; i++) {
      m.onHeartbeat(from("esclave", i + 1, 0, 10_000), 0, i * S, out);
      if (i == 0) {
        m.onHeartbeat(from("esclave", 100, 1, 10_000), 1, 0, out);
      }
      m.onTick(i * S + 1, out);
    }
    assertThat(reasons()).containsExactly(Reason.PEER_ALIVE, Reason.PATH_DOWN);
    assertThat(m.peer("esclave").alive).isTrue();
    assertThat(m.peer("esclave").pathsUp()).isEqualTo(1);
    out.clear();
    m.onHeartbeat(from("esclave", 200, 1, 10_000), 1, 13 * S, out);
    assertThat(reasons()).containsExactly(Reason.PATH_UP);
  }

  @Test
  void neverHeardPeerIsDeadOnlyAfterInitDead() {
    var m = twoPaths();
    assertThat(m.heardAll()).isFalse();
    assertThat(m.nextDeadline()).isEqualTo(60 * S + 1);
    m.onTick(60 * S, out);
    assertThat(reasons()).isEmpty();
    m.onTick(60 * S + 1, out);
    assertThat(reasons()).containsExactly(Reason.PEER_DEAD);
  }

  @Test
  void duplicatesKeepThePeerAliveButOnlyNewerHeartbeatsReplaceTheView() {
    var m = twoPaths();
    assertThat(m.onHeartbeat(from("esclave", 3, 0, 10_000), 0, 0, out)).isTrue();
    assertThat(m.onHeartbeat(from("esclave", 5, 0, 10_000), 0, 0, out)).isFalse();
    assertThat(m.onHeartbeat(from("esclave", 4, 1, 10_000), 1, 9 * S, out)).isFalse();
    assertThat(m.peer("esclave").latest().sequence()).isEqualTo(5);
    m.onTick(15 * S, out);
    assertThat(m.peer("esclave").alive).isTrue();
    assertThat(m.heardAll()).isTrue();
  }
}
