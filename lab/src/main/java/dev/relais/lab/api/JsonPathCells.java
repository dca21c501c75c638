package dev.relais.lab.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Kubernetes JSONPath that printer columns use: {@code .a.b}, {@code [N]} and the
 * equality filter {@code [?(@.type=="Ready")]}. A path outside it is refused when the CRD's columns
 * are read, not silently shown empty.
 */
final class JsonPathCells {
  private static final Pattern STEP =
      Pattern.compile(
          "\\.([A-Za-z0-9_-]+)|\\[(\\d+)]|\\[\\?\\(@\\.([A-Za-z0-9_.-]+)\\s*==\\s*[\"']([^\"']*)[\"']\\)]");

  private final List<Step> steps;

  private sealed interface Step {}

  private record Field(String name) implements Step {}

  private record Index(int index) implements Step {}

  private record Filter(String[] field, String value) implements Step {}

  private JsonPathCells(List<Step> steps) {
    this.steps = steps;
  }

  /** Parses {@code path}; throws IllegalArgumentException for anything outside the subset. */
  static JsonPathCells parse(String path) {
    String p = path.strip();
    if (p.startsWith("{") && p.endsWith("}")) p = p.substring(1, p.length() - 1);
    if (p.startsWith("$")) p = p.substring(1);
    List<Step> steps = new ArrayList<>();
    Matcher m = STEP.matcher(p);
    int at = 0;
    while (at < p.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException("unsupported JSONPath " + path + " at " + at);
      }
      if (m.group(1) != null) steps.add(new Field(m.group(1)));
      else if (m.group(2) != null) steps.add(new Index(Integer.parseInt(m.group(2))));
      else steps.add(new Filter(m.group(3).split("\\."), m.group(4)));
      at = m.end();
    }
    return new JsonPathCells(steps);
  }

  /** The first value the path selects in {@code root}, or null (kubectl shows "<none>"). */
  JsonNode first(JsonNode root) {
    List<JsonNode> current = List.of(root);
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        switch (step) {
          case Field(String name) -> {
            if (node.has(name)) next.add(node.get(name));
          }
          case Index(int index) -> {
            if (node.isArray() && node.size() > index) next.add(node.get(index));
          }
          case Filter(String[] field, String value) -> {
            if (!node.isArray()) break;
            for (JsonNode element : node) {
              JsonNode v = element;
              for (String f : field) v = v == null ? null : v.get(f);
              if (v != null && v.isValueNode() && value.equals(v.asText())) next.add(element);
            }
          }
        }
      }
      current = next;
    }
    return current.isEmpty() || current.getFirst().isNull() ? null : current.getFirst();
  }
}
