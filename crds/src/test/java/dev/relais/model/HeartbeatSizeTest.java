package dev.relais.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.api.v1alpha1.Rules;
import org.junit.jupiter.api.Test;

/** The size budget against the API's bounds (the agent's HeartbeatBudgetTest holds the encoder). */
class HeartbeatSizeTest {
  @Test
  void theLargestClusterTheApiAdmitsFitsTheBudget() {
    assertThat(HeartbeatSize.worstCaseBytes((int) Rules.MAX_NODES, (int) Rules.MAX_GROUPS))
        .isEqualTo(1221)
        .isLessThanOrEqualTo(HeartbeatSize.BUDGET_BYTES);
    assertThat(HeartbeatSize.boundsFit()).isTrue();
    assertThat(HeartbeatSize.check((int) Rules.MAX_NODES, (int) Rules.MAX_GROUPS)).isEmpty();
  }

  @Test
  void oneNodeOrGroupPastTheBoundsWouldBreakTheBudgetAndTheMessageSaysWhy() {
    assertThat(HeartbeatSize.check(17, 32))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("17 nodes and 32 VIP groups", "1239 bytes", "1232", "unfragmented"));
    assertThat(HeartbeatSize.check(16, 33)).isPresent();
  }

  @Test
  void sizeGrowsWithCountsOnly() {
    assertThat(HeartbeatSize.worstCaseBytes(2, 1)).isEqualTo(87 + 27 + 18);
    assertThat(HeartbeatSize.worstCaseBytes(3, 2) - HeartbeatSize.worstCaseBytes(2, 2))
        .isEqualTo(18);
    assertThat(HeartbeatSize.worstCaseBytes(3, 3) - HeartbeatSize.worstCaseBytes(3, 2))
        .isEqualTo(27);
  }
}
