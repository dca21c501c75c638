package dev.relais.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.api.v1alpha1.Rules;
import org.junit.jupiter.api.Test;

/** The size budget against the API's bounds (the agent's HeartbeatBudgetTest holds the encoder). */
class HeartbeatSizeTest {
  @Test
  void theLargestClusterTheApiAdmitsFitsTheBudget() {
    assertThat(HeartbeatSize.worstCaseBytes((int) Rules.MAX_NODES, (int) Rules.MAX_GROUPS))
        .isEqualTo(1193)
        .isLessThanOrEqualTo(HeartbeatSize.BUDGET_BYTES);
    assertThat(HeartbeatSize.boundsFit()).isTrue();
    assertThat(HeartbeatSize.check((int) Rules.MAX_NODES, (int) Rules.MAX_GROUPS)).isEmpty();
  }

  @Test
  void threeNodesOrTwoGroupsPastTheBoundsWouldBreakTheBudgetAndTheMessageSaysWhy() {
    // Wire version 4 left slack: 18 nodes or 33 groups would still fit, 19 or 34 would not.
    assertThat(HeartbeatSize.check(18, 32)).isEmpty();
    assertThat(HeartbeatSize.check(16, 33)).isEmpty();
    assertThat(HeartbeatSize.check(19, 32))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("19 nodes and 32 VIP groups", "1247 bytes", "1232", "unfragmented"));
    assertThat(HeartbeatSize.check(16, 34)).isPresent();
  }

  @Test
  void sizeGrowsWithCountsOnly() {
    assertThat(HeartbeatSize.worstCaseBytes(2, 1)).isEqualTo(59 + 27 + 18);
    assertThat(HeartbeatSize.worstCaseBytes(3, 2) - HeartbeatSize.worstCaseBytes(2, 2))
        .isEqualTo(18);
    assertThat(HeartbeatSize.worstCaseBytes(3, 3) - HeartbeatSize.worstCaseBytes(3, 2))
        .isEqualTo(27);
  }
}
