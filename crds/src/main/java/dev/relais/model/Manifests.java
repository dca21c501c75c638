package dev.relais.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.relais.api.v1alpha1.RouterCluster;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The RouterClusters and Secrets of a multi-document YAML file, as users keep them in git and
 * {@code kubectl apply} them. Unknown fields are errors here (a typo must not silently vanish).
 */
public record Manifests(List<RouterCluster> routerClusters, List<Secret> secrets) {
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  public Manifests {
    routerClusters = List.copyOf(routerClusters);
    secrets = List.copyOf(secrets);
  }

  /** Parses YAML text; a document of another kind is an error that names it. */
  public static Manifests parse(String yaml) throws IOException {
    List<RouterCluster> clusters = new ArrayList<>();
    List<Secret> secrets = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        YAML.readerFor(JsonNode.class).readValues(new YAMLFactory().createParser(yaml))) {
      int index = 0;
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        index++;
        if (doc == null || doc.isNull() || doc.isEmpty()) {
          continue;
        }
        String kind = doc.path("kind").asText();
        switch (kind) {
          case "RouterCluster" -> clusters.add(YAML.treeToValue(doc, RouterCluster.class));
          case "Secret" -> secrets.add(YAML.treeToValue(doc, Secret.class));
          default ->
              throw new IOException(
                  "document "
                      + index
                      + ": kind '"
                      + kind
                      + "' is neither RouterCluster nor Secret");
        }
      }
    }
    return new Manifests(clusters, secrets);
  }

  /** Serializes objects as one multi-document YAML text (used by the import command). */
  public static String toYaml(List<?> objects) throws IOException {
    StringBuilder out = new StringBuilder();
    for (Object o : objects) {
      out.append(YAML.writeValueAsString(o));
    }
    return out.toString();
  }
}
