package dev.relais.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.relais.api.v1alpha1.RouterCluster;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The RouterClusters and Secrets of a multi-document YAML file, as users keep them in git and
 * {@code kubectl apply} them. Unknown fields are errors here (a typo must not silently vanish), and
 * so is a quoted or fractional number for an integer field, as the API server's schema says.
 */
public record Manifests(List<RouterCluster> routerClusters, List<Secret> secrets) {
  // Jackson alone would read "2000" as 2000 and truncate 5.5 to 5.
  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .withCoercionConfig(
              LogicalType.Integer,
              c ->
                  c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
          .build();

  private static final Set<Class<?>> INTEGERS =
      Set.of(Integer.class, int.class, Long.class, long.class);

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
          case "RouterCluster" -> clusters.add(bind(doc, RouterCluster.class, index));
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

  /**
   * A wrong JSON type for an integer field is named as an API server names it ({@code
   * spec.heartbeat.keepaliveMs: must be of type integer: "string"}).
   */
  private static <T> T bind(JsonNode doc, Class<T> type, int index) throws IOException {
    try {
      return YAML.treeToValue(doc, type);
    } catch (MismatchedInputException e) {
      if (e.getTargetType() == null || !INTEGERS.contains(e.getTargetType())) throw e;
      StringBuilder path = new StringBuilder();
      JsonNode given = doc;
      for (JsonMappingException.Reference r : e.getPath()) {
        if (r.getFieldName() != null) {
          path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
          given = given.path(r.getFieldName());
        } else {
          path.append('[').append(r.getIndex()).append(']');
          given = given.path(r.getIndex());
        }
      }
      throw new IOException(
          "document "
              + index
              + ": "
              + path
              + ": must be of type integer: \""
              + jsonType(given)
              + "\"",
          e);
    }
  }

  private static String jsonType(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      case ARRAY -> "array";
      default -> "object";
    };
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
