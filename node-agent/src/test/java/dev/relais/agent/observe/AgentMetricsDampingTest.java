package dev.relais.agent.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentMetricsDampingTest {
  @Test
  void theFailbackDampedGaugeIsOneWhileHeldAndZeroAfter() {
    var metrics = new AgentMetrics();
    metrics.failbackDamped("routers/tutorial", "gateway", true);
    assertThat(metrics.scrape())
        .contains("relais_failback_damped{cluster=\"routers/tutorial\",group=\"gateway\"} 1.0");
    metrics.failbackDamped("routers/tutorial", "gateway", false);
    assertThat(metrics.scrape())
        .contains("relais_failback_damped{cluster=\"routers/tutorial\",group=\"gateway\"} 0.0");
  }
}
