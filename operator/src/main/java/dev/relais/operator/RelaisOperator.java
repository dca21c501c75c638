package dev.relais.operator;

import dev.relais.operator.observe.OperatorMetrics;
import dev.relais.operator.reconciler.OperatorSettings;
import dev.relais.operator.reconciler.RouterClusterReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.event.rate.LinearRateLimiter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Optional;

/**
 * The operator assembled: JOSDK on a given client, one reconciler, metrics, optional leader
 * election. Used by {@link OperatorMain} and by the tests, so both run the same wiring.
 */
public final class RelaisOperator implements AutoCloseable {
  /** Leader election on a Lease in the release namespace. */
  public record Election(
      String leaseName,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod,
      boolean exitOnStopLeading) {}

  private final Operator operator;
  private final PrometheusMeterRegistry registry;

  public RelaisOperator(
      KubernetesClient client, OperatorSettings settings, Optional<Election> election) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorMetrics metrics = new OperatorMetrics(registry);
    operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                  // Status is written with PUT (the mock has no SSA; a real server has, but one
                  // code
                  // path for both); the primary is never patched by JOSDK except for its finalizer.
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withCloseClientOnStop(false)
                  .withConcurrentReconciliationThreads(8)
                  .withCacheSyncTimeout(Duration.ofMinutes(2));
              election.ifPresent(
                  e ->
                      o.withLeaderElectionConfiguration(
                          LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                                  e.leaseName())
                              .withLeaseNamespace(settings.releaseNamespace())
                              .withIdentity(e.identity())
                              .withLeaseDuration(e.leaseDuration())
                              .withRenewDeadline(e.renewDeadline())
                              .withRetryPeriod(e.retryPeriod())
                              // Losing the lease must stop reconciling at once: the process exits
                              // and its pod
                              // restarts as a follower (JOSDK's default, set here on purpose).
                              .withExitOnStopLeading(e.exitOnStopLeading())
                              .build()));
            });
    operator.register(
        new RouterClusterReconciler(settings, metrics),
        c -> {
          // At most one reconcile per cluster per 200 ms: the reports both agents write within
          // milliseconds of each other (a failover, a new revision) become one status write.
          c.withRateLimiter(new LinearRateLimiter(Duration.ofMillis(200), 1));
          if (settings.watchedNamespaces().isEmpty()) c.watchingAllNamespaces();
          else c.settingNamespaces(settings.watchedNamespaces());
        });
  }

  public void start() {
    operator.start();
  }

  public boolean healthy() {
    return operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean started() {
    return operator.getRuntimeInfo().isStarted();
  }

  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
