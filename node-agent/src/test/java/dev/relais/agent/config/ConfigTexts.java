package dev.relais.agent.config;

import dev.relais.agent.observe.AgentMetrics;
import dev.relais.render.AgentConfigs;
import java.util.List;

/** Rendered AgentConfig documents for the store's tests, and a recording applier. */
final class ConfigTexts {
  /** 32 bytes, base64: a key the agent accepts. */
  static final String GOOD_KEY = "YThmNWYxNjdmNDRmNDk2NGU2Yzk5OGRlZTgyNzExMGM=";

  /** 15 bytes ("short-key-mater"), one under the minimum: rejected. */
  static final String SHORT_KEY = "c2hvcnQta2V5LW1hdGVy";

  private ConfigTexts() {}

  /** The tutorial cluster at {@code generation}, signed with key 1 = {@code key}. */
  static String rendered(long generation, String key) {
    return """
        apiVersion: "relais.dev/v1alpha1"
        kind: "AgentConfig"
        cluster:
          namespace: "routers"
          name: "tutorial"
          generation: %d
        spec:
          nodes:
          - name: "maitre"
            priority: 200
            addresses: ["192.168.200.11"]
          - name: "esclave"
            priority: 100
            addresses: ["192.168.200.12"]
          vipGroups:
          - name: "gateway"
            preferredNode: "maitre"
            addresses:
            - address: "192.168.200.10/24"
              interface: "enp0s3"
          authSecretRef:
            name: "tutorial-auth"
            activeKeyId: "1"
          heartbeat:
            keepaliveMs: 2000
            warnTimeMs: 6000
            deadTimeMs: 10000
            initDeadMs: 60000
            port: 694
            transport: "Unicast"
        keys:
          activeKeyId: "1"
          keys:
            "1": "%s"
        """
        .formatted(generation, key);
  }

  static String rendered(long generation) {
    return rendered(generation, GOOD_KEY);
  }

  /** relais_config_rejected_total as scraped. */
  static double rejected(AgentMetrics metrics) {
    return metrics
        .scrape()
        .lines()
        .filter(l -> l.startsWith("relais_config_rejected_total "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("relais_config_rejected_total not exported"));
  }

  /** Records the generation of every config it is given; fails those it is told to. */
  static final class RecordingApplier implements ConfigStore.Applier {
    final List<Long> applied = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<Long> failing = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void apply(AgentConfigs.Result.Ok config) {
      long generation = config.clusters().getFirst().model().generation();
      applied.add(generation);
      if (failing.contains(generation)) {
        throw new IllegalStateException("generation " + generation + " exploded");
      }
    }
  }
}
