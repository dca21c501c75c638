package dev.relais.agent.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Configs for the tutorial cluster (maitre preferred, esclave backup) and variations. */
final class TestConfigs {
  static final byte[] KEY_1 = "0123456789abcdef-key-one".getBytes(StandardCharsets.UTF_8);
  static final byte[] KEY_2 = "fedcba9876543210-key-two".getBytes(StandardCharsets.UTF_8);

  private TestConfigs() {}

  static ProtocolConfig tutorial(String self) {
    return tutorial(self, new FailbackPolicy.Auto());
  }

  static ProtocolConfig tutorial(String self, FailbackPolicy failback) {
    var timing = Timing.tutorial();
    return new ProtocolConfig(
        "tutorial",
        self,
        List.of(new NodeSpec("maitre", 200, 1), new NodeSpec("esclave", 100, 1)),
        List.of(new GroupSpec("vip", "maitre")),
        timing,
        failback,
        Set.of(),
        Map.of(),
        FlapDamping.standard(),
        ProtocolConfig.defaultHandoffBound(timing),
        1,
        new Keyring(Map.of(1, KEY_1), 1));
  }

  static ProtocolConfig withKeyring(ProtocolConfig c, Keyring ring) {
    return new ProtocolConfig(
        c.clusterId(),
        c.self(),
        c.nodes(),
        c.groups(),
        c.timing(),
        c.failback(),
        c.standby(),
        c.requested(),
        c.damping(),
        c.handoffBound(),
        c.generation(),
        ring);
  }

  static ProtocolConfig withCluster(ProtocolConfig c, String cluster) {
    return new ProtocolConfig(
        cluster,
        c.self(),
        c.nodes(),
        c.groups(),
        c.timing(),
        c.failback(),
        c.standby(),
        c.requested(),
        c.damping(),
        c.handoffBound(),
        c.generation(),
        c.keyring());
  }

  static ProtocolConfig withNodes(ProtocolConfig c, List<NodeSpec> nodes) {
    return new ProtocolConfig(
        c.clusterId(),
        c.self(),
        nodes,
        c.groups(),
        c.timing(),
        c.failback(),
        c.standby(),
        c.requested(),
        c.damping(),
        c.handoffBound(),
        c.generation(),
        c.keyring());
  }

  static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
