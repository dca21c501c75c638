package dev.relais.operator.reconciler;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.operator.Fixtures;
import dev.relais.operator.MockApi;
import dev.relais.operator.RelaisOperator;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The finalizer's tombstone: agents watching the rendered Secret see it marked retired before it is
 * deleted, so they can tell a deleted cluster from a Secret that merely vanished.
 */
class RetiredConfigIT {
  static final String RELEASE = "relais-system";
  static final String NS = "edge";

  MockApi api;
  KubernetesClient client;
  RelaisOperator operator;

  @BeforeEach
  void start() {
    api = new MockApi();
    client = api.client();
    operator =
        new RelaisOperator(
            client, new OperatorSettings(RELEASE, Set.of(), Clock.systemUTC()), Optional.empty());
    operator.start();
  }

  @AfterEach
  void stop() {
    operator.close();
    api.close();
  }

  @Test
  void deletingTheClusterMarksItsRenderedSecretRetiredBeforeDeletingIt() {
    RouterCluster rc = Fixtures.tutorial(NS, "tutorial");
    client.resource(Fixtures.authSecret(NS, "tutorial-auth", Map.of("1", Fixtures.KEY_1))).create();
    client.resource(rc).create();
    String name = ConfigObjects.configSecretName(NS, "tutorial");
    await()
        .atMost(ofSeconds(10))
        .until(() -> client.secrets().inNamespace(RELEASE).withName(name).get() != null);
    List<String> seen = new CopyOnWriteArrayList<>();
    var watch =
        client
            .secrets()
            .inNamespace(RELEASE)
            .withName(name)
            .watch(
                new Watcher<Secret>() {
                  @Override
                  public void eventReceived(Action action, Secret s) {
                    var annotations = s.getMetadata().getAnnotations();
                    seen.add(
                        action
                            + (annotations != null
                                    && annotations.containsKey(ConfigObjects.RETIRED_ANNOTATION)
                                ? " retired"
                                : ""));
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    try {
      client.resources(RouterCluster.class).inNamespace(NS).withName("tutorial").delete();
      await()
          .atMost(ofSeconds(10))
          .until(() -> seen.stream().anyMatch(e -> e.startsWith("DELETED")));
    } finally {
      watch.close();
    }
    assertThat(seen).containsSubsequence("MODIFIED retired", "DELETED retired");
  }
}
