package dev.relais.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The committed CRD's schema, and what a real API server does with it before storing an object:
 * apply defaults, then check the OpenAPI constraints. CEL rules are evaluated by {@link CelRules}.
 */
final class CrdSchema {
  static final Path ROUTER_CLUSTERS = Path.of("generated/routerclusters.relais.dev-v1.yml");
  static final Path ROUTER_NODE_STATES = Path.of("generated/routernodestates.relais.dev-v1.yml");
  static final ObjectMapper YAML = new YAMLMapper();

  final JsonNode crd;

  CrdSchema(Path file) throws IOException {
    this.crd = YAML.readTree(Files.readString(file));
  }

  JsonNode version() {
    return crd.path("spec").path("versions").get(0);
  }

  JsonNode specSchema() {
    return version().path("schema").path("openAPIV3Schema").path("properties").path("spec");
  }

  /** Schema defaults, applied in place as the API server's defaulting does. */
  static void applyDefaults(JsonNode schema, JsonNode data) {
    if (data instanceof ObjectNode obj && schema.has("properties")) {
      for (Iterator<Map.Entry<String, JsonNode>> it =
              schema.get("properties").properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        if (!obj.has(p.getKey()) && p.getValue().has("default")) {
          obj.set(p.getKey(), p.getValue().get("default").deepCopy());
        }
        if (obj.has(p.getKey())) applyDefaults(p.getValue(), obj.get(p.getKey()));
      }
    } else if (data instanceof ArrayNode arr && schema.has("items")) {
      arr.forEach(item -> applyDefaults(schema.get("items"), item));
    }
  }

  /** OpenAPI constraint and list-map key failures as (path, keyword) pairs. */
  static List<String> check(String path, JsonNode schema, JsonNode data) {
    List<String> failures = new ArrayList<>();
    check(path, schema, data, (p, k) -> failures.add(p + ": " + k));
    return failures;
  }

  private static void check(
      String path, JsonNode schema, JsonNode data, BiConsumer<String, String> fail) {
    String type = schema.path("type").asText();
    switch (type) {
      case "object" -> {
        if (!data.isObject()) {
          fail.accept(path, "type");
          return;
        }
        schema
            .path("required")
            .forEach(
                r -> {
                  if (!data.has(r.asText())) fail.accept(path + "." + r.asText(), "required");
                });
        data.properties()
            .forEach(
                e -> {
                  JsonNode prop = schema.path("properties").get(e.getKey());
                  if (prop != null) check(path + "." + e.getKey(), prop, e.getValue(), fail);
                });
      }
      case "array" -> {
        if (!data.isArray()) {
          fail.accept(path, "type");
          return;
        }
        if (schema.has("maxItems") && data.size() > schema.get("maxItems").asInt())
          fail.accept(path, "maxItems");
        if (schema.has("minItems") && data.size() < schema.get("minItems").asInt())
          fail.accept(path, "minItems");
        for (int i = 0; i < data.size(); i++)
          check(path + "[" + i + "]", schema.get("items"), data.get(i), fail);
        if (schema.path("x-kubernetes-list-type").asText().equals("map")) {
          Set<JsonNode> keys = new HashSet<>();
          for (int i = 0; i < data.size(); i++) {
            ObjectNode key = YAML.createObjectNode();
            for (JsonNode k : schema.get("x-kubernetes-list-map-keys"))
              key.set(k.asText(), data.get(i).get(k.asText()));
            if (!keys.add(key)) fail.accept(path + "[" + i + "]", "duplicate");
          }
        }
      }
      case "string" -> {
        if (!data.isTextual()) {
          fail.accept(path, "type");
          return;
        }
        String s = data.asText();
        if (schema.has("pattern")
            && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
          fail.accept(path, "pattern");
        }
        if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt())
          fail.accept(path, "maxLength");
        if (schema.has("minLength") && s.length() < schema.get("minLength").asInt())
          fail.accept(path, "minLength");
        if (schema.has("enum")) {
          boolean found = false;
          for (JsonNode e : schema.get("enum")) found |= e.asText().equals(s);
          if (!found) fail.accept(path, "enum");
        }
      }
      case "integer" -> {
        if (!data.isIntegralNumber()) {
          fail.accept(path, "type");
          return;
        }
        if (schema.has("minimum") && data.asDouble() < schema.get("minimum").asDouble())
          fail.accept(path, "minimum");
        if (schema.has("maximum") && data.asDouble() > schema.get("maximum").asDouble())
          fail.accept(path, "maximum");
      }
      case "boolean" -> {
        if (!data.isBoolean()) fail.accept(path, "type");
      }
      default -> fail.accept(path, "schema node without type");
    }
  }
}
