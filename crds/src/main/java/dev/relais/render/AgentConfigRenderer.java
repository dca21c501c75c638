package dev.relais.render;

import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.model.RouterClusterTranslator;
import dev.relais.model.SpecDefaults;
import dev.relais.model.Translation;
import dev.relais.model.Violation;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * RouterCluster + its auth Secret → {@link AgentConfig}. Pure: the operator, the standalone agent
 * and the import command all call this one function.
 */
public final class AgentConfigRenderer {
  /** HMAC-SHA256 keys shorter than this are guessable (RFC 2104 §3 recommends the hash length). */
  public static final int MIN_KEY_BYTES = 16;

  private AgentConfigRenderer() {}

  /** The outcome: a config, or every reason there is none. */
  public sealed interface Rendered {
    record Ok(AgentConfig config) implements Rendered {}

    record Invalid(List<Violation> violations) implements Rendered {
      public Invalid {
        violations = List.copyOf(violations);
      }

      public String summary() {
        return String.join("; ", violations.stream().map(Violation::toString).toList());
      }
    }
  }

  public static Rendered render(RouterCluster cluster, Secret authSecret) {
    return render(
        cluster.getMetadata().getNamespace(),
        cluster.getMetadata().getName(),
        cluster.getMetadata().getGeneration(),
        cluster.getSpec(),
        authSecret == null
            ? null
            : new SecretData(
                authSecret.getMetadata().getName(),
                authSecret.getData(),
                authSecret.getStringData()));
  }

  /** The parts of a Secret the renderer reads (the agent reads files without fabric8's model). */
  record SecretData(String name, Map<String, String> data, Map<String, String> stringData) {}

  /**
   * The same from a RouterCluster's parts, for the agent's own reading of a file: {@code namespace}
   * null is "default", {@code generation} null is 1.
   */
  static Rendered render(
      String namespace, String name, Long generation, RouterClusterSpec spec, SecretData secret) {
    if (spec == null) {
      return new Rendered.Invalid(List.of(new Violation("spec", "Required value")));
    }
    String ns = Objects.requireNonNullElse(namespace, "default");
    long gen = generation == null ? 1 : generation;
    Translation translation = RouterClusterTranslator.translate(ns, name, gen, spec);
    if (translation instanceof Translation.Invalid(List<Violation> violations)) {
      return new Rendered.Invalid(violations);
    }
    List<Violation> problems = new ArrayList<>();
    Map<String, String> keys = keys(secret, spec, problems);
    String active = spec.authSecretRef.activeKeyId;
    if (secret != null && !keys.containsKey(active)) {
      problems.add(
          new Violation(
              "spec.authSecretRef.activeKeyId",
              "Secret " + secret.name() + " has no key '" + active + "'"));
    }
    if (!problems.isEmpty()) {
      return new Rendered.Invalid(problems);
    }
    return new Rendered.Ok(
        new AgentConfig(
            AgentConfig.API_VERSION,
            AgentConfig.KIND,
            new AgentConfig.ClusterRef(ns, name, gen),
            SpecDefaults.applied(spec),
            new AgentConfig.Keys(active, keys)));
  }

  private static Map<String, String> keys(
      SecretData secret, RouterClusterSpec spec, List<Violation> problems) {
    Map<String, String> keys = new TreeMap<>();
    String ref = spec.authSecretRef.name;
    if (secret == null) {
      problems.add(new Violation("spec.authSecretRef.name", "Secret " + ref + " not found"));
      return keys;
    }
    if (secret.data() != null) {
      secret.data().forEach(keys::put);
    }
    if (secret.stringData() != null) {
      secret
          .stringData()
          .forEach(
              (id, text) ->
                  keys.put(
                      id,
                      Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))));
    }
    keys.forEach(
        (id, b64) -> {
          if (!id.matches(dev.relais.api.v1alpha1.Rules.KEY_ID_PATTERN)) {
            problems.add(
                new Violation(
                    "Secret " + ref,
                    "entry '"
                        + id
                        + "' must be named by a key number 0-255 (heartbeat's authkeys N)"));
            return;
          }
          int length;
          try {
            length = Base64.getDecoder().decode(b64).length;
          } catch (IllegalArgumentException e) {
            problems.add(new Violation("Secret " + ref, "key '" + id + "' is not valid base64"));
            return;
          }
          if (length < MIN_KEY_BYTES) {
            problems.add(
                new Violation(
                    "Secret " + ref,
                    "key '"
                        + id
                        + "' has "
                        + length
                        + " bytes; at least "
                        + MIN_KEY_BYTES
                        + " are needed for HMAC-SHA256"));
          }
        });
    return keys;
  }
}
