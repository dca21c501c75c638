package dev.relais.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The chart as `helm template` renders it with the real helm, parsed into one tree per object.
 * Release "relais" in the namespace "relais-system", for the Kubernetes version the chart is
 * installed on in our checks (1.32).
 */
final class RenderedChart {
  static final String RELEASE = "relais";
  static final String NAMESPACE = "relais-system";
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  final List<JsonNode> objects;

  private RenderedChart(List<JsonNode> objects) {
    this.objects = objects;
  }

  /** Renders with `--set`-style values, as KEY=VALUE (lists as {a,b}). */
  static RenderedChart render(String... values) {
    List<String> command = new ArrayList<>(templateCommand());
    for (String v : values) command.addAll(List.of("--set", v));
    Tools.Result r = Tools.run(command);
    assertThat(r.exit()).as("helm template %s:%n%s", List.of(values), r.err()).isZero();
    return new RenderedChart(parse(r.out()));
  }

  static List<String> templateCommand() {
    return List.of(
        Tools.helm().toString(),
        "template",
        RELEASE,
        Tools.CHART.toString(),
        "--namespace",
        NAMESPACE,
        "--kube-version",
        "1.32.0");
  }

  static List<JsonNode> parse(String yaml) {
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      List<JsonNode> out = new ArrayList<>();
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) out.add(doc);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError("helm template printed what is not YAML", e);
    }
  }

  Stream<JsonNode> all(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText()));
  }

  JsonNode one(String kind, String name) {
    List<JsonNode> found =
        all(kind).filter(o -> name.equals(o.path("metadata").path("name").asText())).toList();
    assertThat(found).as("%s %s", kind, name).hasSize(1);
    return found.get(0);
  }

  /** The only object of a kind. */
  JsonNode only(String kind) {
    List<JsonNode> found = all(kind).toList();
    assertThat(found).as("objects of kind %s", kind).hasSize(1);
    return found.get(0);
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
