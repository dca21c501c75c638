package dev.relais.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relais.model.WireIds;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The validator's wire ids (crds {@link WireIds}) are the codec's, so what the validator refuses is
 * exactly what the codec could not tell apart.
 */
class WireIdAgreementTest {
  // A real collision (crds WireIdsTest): both names hash to 0x2161baab.
  private static final String A = "r50007";
  private static final String B = "r102831";

  @Test
  void theValidatorsIdsAreTheCodecsForAnyName() {
    Random random = new Random(23);
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-.";
    for (int i = 0; i < 10_000; i++) {
      StringBuilder name = new StringBuilder();
      int length = 1 + random.nextInt(63);
      for (int c = 0; c < length; c++)
        name.append(alphabet.charAt(random.nextInt(alphabet.length())));
      assertThat(WireIds.id32(name.toString())).isEqualTo(WireBytes.id32(name.toString()));
    }
    assertThat(WireBytes.id32(A)).isEqualTo(WireBytes.id32(B)).isEqualTo(WireIds.id32(A));
  }

  @Test
  void theCodecRefusesTheCollisionTheValidatorReports() {
    ProtocolConfig tutorial = TestConfigs.tutorial("maitre");
    ProtocolConfig colliding =
        new ProtocolConfig(
            tutorial.clusterId(),
            A,
            List.of(new NodeSpec(A, 200, 1), new NodeSpec(B, 100, 1)),
            List.of(new GroupSpec("vip", A)),
            tutorial.timing(),
            tutorial.failback(),
            tutorial.standby(),
            Map.of(),
            tutorial.damping(),
            tutorial.handoffBound(),
            1,
            tutorial.keyring());
    assertThatThrownBy(() -> new HeartbeatCodec(colliding))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("share a wire id");
  }
}
