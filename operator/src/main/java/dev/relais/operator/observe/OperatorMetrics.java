package dev.relais.operator.observe;

import dev.relais.api.v1alpha1.Condition;
import dev.relais.api.v1alpha1.ConditionStatus;
import dev.relais.operator.status.ConditionTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's own series: clusters by condition and status, and failovers by cluster and reason.
 * JOSDK's reconcile metrics share the registry (per-resource series off: 1,000 clusters).
 */
public final class OperatorMetrics {
  private static final List<String> TYPES =
      List.of(
          ConditionTypes.READY,
          ConditionTypes.DEGRADED,
          ConditionTypes.SPLIT_BRAIN,
          ConditionTypes.CONFIG_INVALID,
          ConditionTypes.CONFLICT,
          ConditionTypes.RECONCILING,
          ConditionTypes.STALLED);

  private final MeterRegistry registry;
  private final Map<String, Map<String, ConditionStatus>> byCluster = new ConcurrentHashMap<>();

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String type : TYPES) {
      for (ConditionStatus status : ConditionStatus.values()) {
        Gauge.builder("relais_operator_clusters", byCluster, m -> count(m, type, status))
            .description("RouterClusters by condition and status")
            .tag("condition", type)
            .tag("status", status.name())
            .register(registry);
      }
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void conditions(String cluster, List<Condition> conditions) {
    Map<String, ConditionStatus> now = new ConcurrentHashMap<>();
    conditions.forEach(c -> now.put(c.type, c.status));
    byCluster.put(cluster, now);
  }

  public void failover(String cluster, String reason) {
    Counter.builder("relais_operator_failovers_total")
        .description("VIP groups that changed hands, as the new owner reported the reason")
        .tag("cluster", cluster)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  public void forget(String cluster) {
    byCluster.remove(cluster);
  }

  private static double count(
      Map<String, Map<String, ConditionStatus>> m, String type, ConditionStatus status) {
    return m.values().stream().filter(c -> c.get(type) == status).count();
  }
}
