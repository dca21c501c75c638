package dev.relais.operator.reconciler;

import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.operator.config.ConfigPlanner;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rendered config Secret: one per RouterCluster in the release namespace, named by a hash of
 * namespace/name, labelled with every node it names so an agent lists exactly its own.
 */
final class PublishedConfigs {
  private PublishedConfigs() {}

  static Optional<ConfigPlanner.Published> read(Secret secret) {
    if (secret == null || secret.getData() == null) return Optional.empty();
    String doc = secret.getData().get(ConfigObjects.CONFIG_KEY);
    String salt = secret.getData().get(ConfigObjects.SALT_KEY);
    String revision =
        secret.getMetadata().getAnnotations() == null
            ? null
            : secret.getMetadata().getAnnotations().get(ConfigObjects.REVISION_ANNOTATION);
    if (doc == null || salt == null || revision == null) return Optional.empty();
    try {
      return Optional.of(
          new ConfigPlanner.Published(
              new String(Base64.getDecoder().decode(doc), StandardCharsets.UTF_8),
              revision,
              Base64.getDecoder().decode(salt)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static Secret secret(RouterCluster cluster, String releaseNamespace, ConfigPlanner.Publish p) {
    String ns = cluster.getMetadata().getNamespace();
    String name = cluster.getMetadata().getName();
    Map<String, String> labels = new TreeMap<>();
    labels.put(ConfigObjects.MANAGED_BY_LABEL, ConfigObjects.MANAGED_BY);
    labels.put(ConfigObjects.COMPONENT_LABEL, ConfigObjects.AGENT_CONFIG);
    labels.put(ConfigObjects.CLUSTER_ID_LABEL, ConfigObjects.clusterId(ns, name));
    p.nodes().forEach(n -> labels.put(ConfigObjects.nodeLabel(n), "true"));
    Map<String, String> data = new TreeMap<>();
    data.put(ConfigObjects.CONFIG_KEY, b64(p.document().getBytes(StandardCharsets.UTF_8)));
    data.put(ConfigObjects.SALT_KEY, b64(p.salt()));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(ConfigObjects.configSecretName(ns, name))
        .withNamespace(releaseNamespace)
        .withLabels(labels)
        .withAnnotations(
            Map.of(
                ConfigObjects.CLUSTER_ANNOTATION,
                ns + "/" + name,
                ConfigObjects.REVISION_ANNOTATION,
                p.revision()))
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  /** Same data, and our labels and annotations present (others may be added by other tools). */
  static boolean same(Secret current, Secret desired) {
    return Objects.equals(current.getData(), desired.getData())
        && contains(current.getMetadata().getLabels(), desired.getMetadata().getLabels())
        && contains(current.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations())
        && current.getMetadata().getLabels().keySet().stream()
            .filter(k -> k.startsWith(ConfigObjects.nodeLabel("")))
            .allMatch(desired.getMetadata().getLabels()::containsKey);
  }

  private static boolean contains(Map<String, String> actual, Map<String, String> wanted) {
    return actual != null && actual.entrySet().containsAll(wanted.entrySet());
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
