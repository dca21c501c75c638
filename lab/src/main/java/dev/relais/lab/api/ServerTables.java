package dev.relais.lab.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The server-side Table ({@code meta.k8s.io/v1}) that {@code kubectl get} asks for: a CRD's
 * additionalPrinterColumns (so {@code kubectl get rtc} shows VIP, ACTIVE, READY), and the columns
 * kube-apiserver prints for the built-ins the lab shows (events, secrets, namespaces); NAME and AGE
 * for the rest. Date columns become ages, as the real server renders them.
 */
final class ServerTables {
  /** One column: its definition and how a cell is read from an object. */
  record Column(
      String name, String type, String format, int priority, Function<JsonNode, Object> cell) {}

  private final ObjectMapper json;
  private final Clock clock;

  ServerTables(ObjectMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
  }

  /**
   * Where a GET path points: its resource's plural, group/version, and whether it is one object.
   */
  record Target(String groupVersion, String plural, boolean single) {
    /** Empty for paths that are not a resource or an object (discovery, subresources). */
    static Optional<Target> of(String path) {
      String[] s = path.replaceAll("^/+|/+$", "").split("/");
      int at;
      String gv;
      if (s.length >= 3 && s[0].equals("api")) {
        gv = s[1];
        at = 2;
      } else if (s.length >= 4 && s[0].equals("apis")) {
        gv = s[1] + "/" + s[2];
        at = 3;
      } else {
        return Optional.empty();
      }
      int rest = s.length - at;
      if (rest >= 3 && s[at].equals("namespaces")) {
        if (rest > 4) return Optional.empty();
        return Optional.of(new Target(gv, s[at + 2], rest == 4));
      }
      if (rest > 2) return Optional.empty();
      return Optional.of(new Target(gv, s[at], rest == 2));
    }
  }

  /**
   * {@code body} (an object or a list, as the CRUD mock answered) as a Table; {@code includeObject}
   * is the request's (None, Metadata by default, or Object: kubectl --sort-by needs the objects).
   */
  JsonNode table(Target target, JsonNode body, List<JsonNode> crds, String includeObject) {
    List<Column> columns = columnsFor(target, crds);
    ObjectNode table =
        json.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table
        .putObject("metadata")
        .put("resourceVersion", body.path("metadata").path("resourceVersion").asText(""));
    ArrayNode defs = table.putArray("columnDefinitions");
    for (Column c : columns) {
      defs.addObject()
          .put("name", c.name())
          .put("type", c.type())
          .put("format", c.format())
          .put("description", "")
          .put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    List<JsonNode> items = new ArrayList<>();
    if (body.has("items")) body.get("items").forEach(items::add);
    else items.add(body);
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) cells.add(json.valueToTree(c.cell().apply(item)));
      switch (includeObject == null ? "Metadata" : includeObject) {
        case "None" -> {}
        case "Object" -> row.set("object", item);
        default ->
            row.putObject("object")
                .put("kind", "PartialObjectMetadata")
                .put("apiVersion", "meta.k8s.io/v1")
                .set("metadata", item.path("metadata"));
      }
    }
    return table;
  }

  List<Column> columnsFor(Target target, List<JsonNode> crds) {
    Column name =
        new Column("Name", "string", "name", 0, o -> o.path("metadata").path("name").asText());
    Column age =
        new Column("Age", "string", "", 0, o -> age(o.path("metadata").path("creationTimestamp")));
    for (JsonNode crd : crds) {
      JsonNode spec = crd.path("spec");
      if (!spec.path("names").path("plural").asText().equals(target.plural())) continue;
      for (JsonNode v : spec.path("versions")) {
        if (!(spec.path("group").asText() + "/" + v.path("name").asText())
            .equals(target.groupVersion())) {
          continue;
        }
        JsonNode printer = v.path("additionalPrinterColumns");
        if (printer.isEmpty()) return List.of(name, age);
        List<Column> out = new ArrayList<>(List.of(name));
        for (JsonNode p : printer) out.add(printerColumn(p));
        return out;
      }
    }
    if (target.groupVersion().equals("v1")) {
      switch (target.plural()) {
        case "events" -> {
          return List.of(
              new Column("Last Seen", "string", "", 0, this::eventAge),
              new Column("Type", "string", "", 0, o -> o.path("type").asText()),
              new Column("Reason", "string", "", 0, o -> o.path("reason").asText()),
              new Column(
                  "Object",
                  "string",
                  "",
                  0,
                  o ->
                      o.path("involvedObject").path("kind").asText().toLowerCase()
                          + "/"
                          + o.path("involvedObject").path("name").asText()),
              new Column("Message", "string", "", 0, o -> o.path("message").asText()));
        }
        case "secrets" -> {
          return List.of(
              name,
              new Column("Type", "string", "", 0, o -> o.path("type").asText("Opaque")),
              new Column("Data", "integer", "", 0, o -> o.path("data").size()),
              age);
        }
        case "namespaces" -> {
          return List.of(
              name,
              new Column(
                  "Status", "string", "", 0, o -> o.path("status").path("phase").asText("Active")),
              age);
        }
        default -> {}
      }
    }
    return List.of(name, age);
  }

  private Column printerColumn(JsonNode p) {
    JsonPathCells path = JsonPathCells.parse(p.path("jsonPath").asText());
    String type = p.path("type").asText("string");
    Function<JsonNode, Object> cell =
        o -> {
          JsonNode v = path.first(o);
          if (v == null) return null;
          return switch (type) {
            case "date" -> age(v);
            case "integer" -> v.canConvertToLong() ? v.asLong() : v.asText();
            case "number" -> v.isNumber() ? v.asDouble() : v.asText();
            case "boolean" -> v.isBoolean() ? v.asBoolean() : v.asText();
            default -> v.isValueNode() ? v.asText() : v.toString();
          };
        };
    // A date column is sent as the age string, the way kube-apiserver renders it.
    return new Column(
        p.path("name").asText(),
        type.equals("date") ? "string" : type,
        p.path("format").asText(""),
        p.path("priority").asInt(0),
        cell);
  }

  private Object eventAge(JsonNode e) {
    for (String field : List.of("lastTimestamp", "eventTime", "firstTimestamp")) {
      if (e.hasNonNull(field)) return age(e.get(field));
    }
    return age(e.path("metadata").path("creationTimestamp"));
  }

  private Object age(JsonNode timestamp) {
    if (timestamp == null || !timestamp.isTextual()) return null;
    try {
      return HumanDuration.of(Duration.between(Instant.parse(timestamp.asText()), clock.instant()));
    } catch (DateTimeParseException e) {
      return timestamp.asText();
    }
  }
}
