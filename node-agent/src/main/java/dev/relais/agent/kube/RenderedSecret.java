package dev.relais.agent.kube;

import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A rendered config Secret as the agent reads it, translated once from fabric8's model: what is
 * decided on it ({@link ServedClusters}) never sees a fabric8 type.
 *
 * @param name the Secret's name (one per RouterCluster, {@link ConfigObjects#configSecretName})
 * @param cluster namespace/name of its RouterCluster, from the annotation; may be empty
 * @param revision the {@link ConfigObjects#REVISION_ANNOTATION}; may be empty
 * @param retired the operator's finalizer marked it: the cluster is being deleted
 * @param document the rendered AgentConfig text; empty when the key is missing or not base64
 */
record RenderedSecret(
    String name, String cluster, String revision, boolean retired, Optional<String> document) {

  static RenderedSecret of(Secret secret) {
    Map<String, String> annotations =
        Objects.requireNonNullElse(secret.getMetadata().getAnnotations(), Map.of());
    Map<String, String> data = Objects.requireNonNullElse(secret.getData(), Map.of());
    Optional<String> document = Optional.empty();
    String encoded = data.get(ConfigObjects.CONFIG_KEY);
    if (encoded != null) {
      try {
        document =
            Optional.of(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // Reported as "no document" by ServedClusters; the message would quote key material.
      }
    }
    return new RenderedSecret(
        secret.getMetadata().getName(),
        annotations.getOrDefault(ConfigObjects.CLUSTER_ANNOTATION, ""),
        annotations.getOrDefault(ConfigObjects.REVISION_ANNOTATION, ""),
        annotations.containsKey(ConfigObjects.RETIRED_ANNOTATION),
        document);
  }

  @Override
  public String toString() {
    return "RenderedSecret[" + name + ", " + cluster + ", revision " + revision + "]";
  }
}
