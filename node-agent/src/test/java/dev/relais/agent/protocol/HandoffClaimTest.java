package dev.relais.agent.protocol;

import static dev.relais.agent.protocol.WireLab.MS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.Effect.AcquireVip;
import dev.relais.agent.protocol.Effect.SendHeartbeat;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A clean shutdown hands the VIP over make-before-break: the target's claim (and confirmation) is
 * in the very datagram it sends on accepting, at every profile, and {@link ProtocolMachine#sendNow}
 * repeats it at once for a runtime that held the claim back until the VIP was announced. Before,
 * the claim waited for the next keepalive (about 1.9 s at 2 s).
 */
class HandoffClaimTest {
  private static Timing profile(int keepaliveMs) {
    return new Timing(
        Duration.ofMillis(keepaliveMs),
        Duration.ofMillis(2L * keepaliveMs),
        Duration.ofMillis(5L * keepaliveMs),
        Duration.ofMillis(30L * keepaliveMs));
  }

  private static boolean claims(Effect e, String node) {
    return e instanceof SendHeartbeat(Heartbeat hb)
        && hb.sender().equals(node)
        && hb.entries().stream()
            .anyMatch(g -> g.kind() == GroupEntry.Kind.CLAIM && g.group().equals("vip"))
        && hb.entries().stream().anyMatch(g -> g.kind() == GroupEntry.Kind.CONFIRM);
  }

  @ParameterizedTest(name = "keepalive {0} ms")
  @ValueSource(ints = {5, 50, 1000, 2000})
  void theNewOwnersFirstDatagramAfterAcceptingCarriesItsClaim(int keepaliveMs) {
    var timing = profile(keepaliveMs);
    var lab = new WireLab(MS / 2);
    lab.start(TestConfigs.tutorial("maitre").withTiming(timing), 1, HeartbeatCodec.VERSION);
    var esclave =
        lab.start(TestConfigs.tutorial("esclave").withTiming(timing), 1, HeartbeatCodec.VERSION);
    lab.runUntil(10L * keepaliveMs * MS);
    assertThat(lab.node("maitre").held).contains("vip");
    // maitre leaves; esclave, on the offer, acquires and in the same step sends its claim.
    var offer = lab.node("maitre").machine.requestShutdown(lab.now());
    var offerHb =
        offer.stream()
            .filter(e -> e instanceof SendHeartbeat)
            .map(e -> ((SendHeartbeat) e).heartbeat())
            .findFirst()
            .orElseThrow();
    var accepted = esclave.machine.onHeartbeat(offerHb, 0, lab.now() + MS);
    int acquire = indexOf(accepted, e -> e instanceof AcquireVip);
    int firstSend = indexOf(accepted, e -> e instanceof SendHeartbeat);
    assertThat(acquire).isNotNegative();
    assertThat(firstSend).isGreaterThan(acquire);
    assertThat(claims(accepted.get(firstSend), "esclave")).isTrue();
    // Asked again (the runtime's entries are back), it sends the claim now, not at a keepalive.
    var again = esclave.machine.sendNow(lab.now() + 2 * MS);
    assertThat(again).anyMatch(e -> claims(e, "esclave"));
  }

  private static int indexOf(List<Effect> effects, java.util.function.Predicate<Effect> p) {
    for (int i = 0; i < effects.size(); i++) {
      if (p.test(effects.get(i))) return i;
    }
    return -1;
  }
}
