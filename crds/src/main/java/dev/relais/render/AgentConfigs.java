package dev.relais.render;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.model.ClusterModel;
import dev.relais.model.Manifests;
import dev.relais.model.RouterClusterTranslator;
import dev.relais.model.Translation;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads what an agent is given: rendered AgentConfig documents, or (standalone mode) the user's own
 * RouterCluster + Secret YAML, rendered here with the same renderer the operator uses. Every
 * outcome is a value; a bad document never throws past this class.
 */
public final class AgentConfigs {
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private AgentConfigs() {}

  /** A validated config: the model, and the keys as bytes. */
  public record Loaded(ClusterModel model, String activeKeyId, Map<String, byte[]> keys) {
    public Loaded {
      keys = Map.copyOf(keys);
    }

    @Override
    public String toString() {
      return "Loaded["
          + model.clusterId()
          + " gen "
          + model.generation()
          + ", keys "
          + keys.keySet()
          + "]";
    }
  }

  /** Outcome of reading a file: every cluster in it, or why it cannot be used. */
  public sealed interface Result {
    record Ok(List<Loaded> clusters) implements Result {
      public Ok {
        clusters = List.copyOf(clusters);
      }
    }

    record Rejected(String reason) implements Result {}
  }

  public static String toYaml(AgentConfig config) {
    try {
      return YAML.writeValueAsString(config);
    } catch (IOException e) {
      throw new IllegalStateException("AgentConfig is always serializable", e);
    }
  }

  /**
   * Reads a file's text: AgentConfig documents, or RouterClusters with their Secrets. {@code
   * namespace} is used for objects without one (kubectl's default namespace).
   */
  public static Result read(String text, String namespace) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        YAML.readerFor(JsonNode.class).readValues(new YAMLFactory().createParser(text))) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) docs.add(doc);
      }
    } catch (IOException | RuntimeException e) {
      return new Result.Rejected("not valid YAML: " + e.getMessage());
    }
    if (docs.isEmpty()) {
      return new Result.Rejected("no document in the file");
    }
    boolean rendered =
        docs.stream().allMatch(d -> AgentConfig.KIND.equals(d.path("kind").asText()));
    try {
      return rendered ? readRendered(docs) : readManifests(text, namespace);
    } catch (IOException | RuntimeException e) {
      return new Result.Rejected(e.getMessage());
    }
  }

  private static Result readRendered(List<JsonNode> docs) throws IOException {
    List<Loaded> out = new ArrayList<>();
    for (JsonNode doc : docs) {
      AgentConfig config = YAML.treeToValue(doc, AgentConfig.class);
      if (!AgentConfig.API_VERSION.equals(config.apiVersion())) {
        return new Result.Rejected("unsupported AgentConfig apiVersion " + config.apiVersion());
      }
      Result.Rejected problem = load(config, out);
      if (problem != null) return problem;
    }
    return new Result.Ok(out);
  }

  private static Result readManifests(String text, String namespace) throws IOException {
    Manifests manifests = Manifests.parse(text);
    if (manifests.routerClusters().isEmpty()) {
      return new Result.Rejected("no RouterCluster and no AgentConfig in the file");
    }
    List<Loaded> out = new ArrayList<>();
    for (RouterCluster cluster : manifests.routerClusters()) {
      if (cluster.getMetadata().getNamespace() == null)
        cluster.getMetadata().setNamespace(namespace);
      String ns = cluster.getMetadata().getNamespace();
      String secretName =
          cluster.getSpec() == null || cluster.getSpec().authSecretRef == null
              ? null
              : cluster.getSpec().authSecretRef.name;
      Secret secret =
          manifests.secrets().stream()
              .filter(s -> Objects.equals(s.getMetadata().getName(), secretName))
              .filter(
                  s ->
                      Objects.requireNonNullElse(s.getMetadata().getNamespace(), namespace)
                          .equals(ns))
              .findFirst()
              .orElse(null);
      switch (AgentConfigRenderer.render(cluster, secret)) {
        case AgentConfigRenderer.Rendered.Ok(AgentConfig config) -> {
          Result.Rejected problem = load(config, out);
          if (problem != null) return problem;
        }
        case AgentConfigRenderer.Rendered.Invalid invalid -> {
          return new Result.Rejected(
              "RouterCluster "
                  + ns
                  + "/"
                  + cluster.getMetadata().getName()
                  + ": "
                  + invalid.summary());
        }
      }
    }
    return new Result.Ok(out);
  }

  private static Result.Rejected load(AgentConfig config, List<Loaded> out) {
    String id = config.cluster().namespace() + "/" + config.cluster().name();
    Translation t =
        RouterClusterTranslator.translate(
            config.cluster().namespace(),
            config.cluster().name(),
            config.cluster().generation(),
            config.spec());
    if (t instanceof Translation.Invalid invalid) {
      return new Result.Rejected("AgentConfig " + id + ": " + invalid.summary());
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    config.keys().keys().forEach((k, v) -> keys.put(k, Base64.getDecoder().decode(v)));
    if (!keys.containsKey(config.keys().activeKeyId())) {
      return new Result.Rejected(
          "AgentConfig " + id + ": active key '" + config.keys().activeKeyId() + "' missing");
    }
    out.add(new Loaded(((Translation.Valid) t).model(), config.keys().activeKeyId(), keys));
    return null;
  }
}
