package dev.relais.operator;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relais.operator.reconciler.OperatorSettings;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Two replicas on one Lease: one reconciles; when it stops, the other takes over. */
class LeaderElectionIT {
  static final String RELEASE = "relais-system";
  static final Duration LEASE = ofSeconds(2);

  RelaisOperator replica(MockApi api, String identity) {
    return new RelaisOperator(
        api.client(),
        new OperatorSettings(RELEASE, Set.of(), Clock.systemUTC()),
        Optional.of(
            new RelaisOperator.Election(
                "relais-operator",
                identity,
                LEASE,
                Duration.ofMillis(1500),
                Duration.ofMillis(300),
                false)));
  }

  boolean rendered(MockApi api, String name) {
    return api.client()
            .secrets()
            .inNamespace(RELEASE)
            .withName(ConfigObjects.configSecretName("edge", name))
            .get()
        != null;
  }

  String holder(MockApi api) {
    Lease lease = api.client().leases().inNamespace(RELEASE).withName("relais-operator").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** A cluster of its own routers (the same VIP twice would be a held conflict). */
  void apply(MockApi api, String name, int subnet) {
    var rc = Fixtures.tutorial("edge", name);
    rc.getSpec().nodes.get(0).addresses = java.util.List.of("10.0." + subnet + ".1");
    rc.getSpec().nodes.get(1).addresses = java.util.List.of("10.0." + subnet + ".2");
    rc.getSpec().vipGroups.getFirst().addresses.getFirst().address = "10.0." + subnet + ".10/24";
    api.client()
        .resource(
            Fixtures.authSecret(
                "edge", rc.getSpec().authSecretRef.name, Map.of("1", Fixtures.KEY_1)))
        .create();
    api.client().resource(rc).create();
  }

  @Test
  void oneReplicaReconcilesAndTheOtherTakesOverWhenItStops() {
    try (MockApi api = new MockApi()) {
      RelaisOperator a = replica(api, "a");
      RelaisOperator b = replica(api, "b");
      a.start();
      await().atMost(ofSeconds(10)).until(() -> "a".equals(holder(api)));
      b.start();
      apply(api, "first", 1);
      await().atMost(ofSeconds(10)).until(() -> rendered(api, "first"));
      assertThat(holder(api)).isEqualTo("a");
      assertThat(reconciliations(a)).isPositive();
      assertThat(reconciliations(b)).isZero();
      long stopped = System.nanoTime();
      a.close();
      apply(api, "second", 2);
      // The stopped leader may hold the Lease until it expires: the bound is above its duration.
      await().atMost(LEASE.multipliedBy(5)).until(() -> rendered(api, "second"));
      System.out.printf(
          "leader stopped -> follower rendered a new cluster in %d ms (lease %d ms)%n",
          (System.nanoTime() - stopped) / 1_000_000, LEASE.toMillis());
      assertThat(holder(api)).isEqualTo("b");
      assertThat(reconciliations(b)).isPositive();
      b.close();
    }
  }

  static double reconciliations(RelaisOperator o) {
    return o.scrape()
        .lines()
        .filter(l -> l.startsWith("operator_sdk_reconciliations_started_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
