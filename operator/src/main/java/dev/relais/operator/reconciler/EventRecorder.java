package dev.relais.operator.reconciler;

import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.operator.status.ClusterEvent;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes core/v1 Events on a RouterCluster (what kubectl describe shows); best-effort. */
final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "relais-operator";

  private final KubernetesClient client;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();

  EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  void record(RouterCluster cluster, ClusterEvent event) {
    String now = clock.instant().toString();
    String ns = cluster.getMetadata().getNamespace();
    String name = cluster.getMetadata().getName();
    try {
      client
          .v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withNamespace(ns)
                  .withName(
                      name
                          + "."
                          + Long.toHexString(clock.millis())
                          + Long.toHexString(sequence.incrementAndGet()))
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(cluster.getApiVersion())
                  .withKind(cluster.getKind())
                  .withNamespace(ns)
                  .withName(name)
                  .withUid(cluster.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType(event.warning() ? "Warning" : "Normal")
                  .withReason(event.reason())
                  .withMessage(event.message())
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent(COMPONENT)
                  .endSource()
                  .withReportingComponent(COMPONENT)
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warn("cluster={}/{} event {} not recorded: {}", ns, name, event.reason(), e.getMessage());
    }
  }
}
