package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.FlapDamping;
import dev.relais.render.AgentConfigs;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** spec.failback.damping reaches the protocol as written, and its default as the API's. */
class ProtocolConfigsDampingTest {
  private static final String CLUSTER =
      """
      apiVersion: v1
      kind: Secret
      metadata: {name: auth}
      stringData: {"1": "damping-test-key-0123456789"}
      ---
      apiVersion: relais.dev/v1alpha1
      kind: RouterCluster
      metadata: {name: tutorial}
      spec:
        nodes:
          - {name: maitre, priority: 200, addresses: ["192.168.200.11"]}
          - {name: esclave, priority: 100, addresses: ["192.168.200.12"]}
        vipGroups:
          - name: gateway
            preferredNode: maitre
            addresses: [{address: 192.168.200.10/24, interface: enp0s3}]
        authSecretRef: {name: auth, activeKeyId: "1"}
      %s
      """;

  private static FlapDamping damping(String extra) {
    var result = AgentConfigs.read(CLUSTER.formatted(extra.indent(2)), "test");
    var loaded = ((AgentConfigs.Result.Ok) result).clusters().getFirst();
    return ProtocolConfigs.of(loaded, "maitre").damping();
  }

  @Test
  void theDefaultAtTheDefaultTimersIsTheProtocolsStandard() {
    assertThat(damping("")).isEqualTo(FlapDamping.standard());
  }

  @Test
  void theDefaultWindowFollowsDeadtime() {
    assertThat(damping("heartbeat: {keepaliveMs: 2000, deadTimeMs: 10000}"))
        .isEqualTo(new FlapDamping(true, 3, Duration.ofSeconds(40)));
  }

  @Test
  void anExplicitDampingIsMappedFieldByField() {
    assertThat(damping("failback: {damping: {enabled: false, moves: 7, windowMs: 90000}}"))
        .isEqualTo(new FlapDamping(false, 7, Duration.ofSeconds(90)));
  }
}
