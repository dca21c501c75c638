package dev.relais.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart's Argo CD health check (helm/relais/files/argocd-health.lua) run by a real Lua 5.1, the
 * language version of Argo CD's gopher-lua, on RouterClusters with the operator's conditions.
 */
class ArgoHealthTest {
  private static final Path SCRIPT = Tools.CHART.resolve("files/argocd-health.lua");

  /** Conditions as "Type=Status/Reason" separated by spaces; "-" for no status at all. */
  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "- | Progressing | Waiting for the operator",
        "Ready=True/OwnersElected Degraded=False/AllNodesHealthy | Healthy | Ready: ",
        "Ready=True/OwnersElected Degraded=True/Unreachable | Healthy | Degraded: ",
        "Ready=False/RevisionRollout Reconciling=True/RevisionRollout | Progressing | Ready: ",
        "Ready=False/OwnerContested | Progressing | Ready: ",
        "Ready=False/NotRendered | Progressing | Ready: ",
        "Ready=False/NoOwner Degraded=True/NoAgent | Degraded | Ready: ",
        "Ready=False/ConfigInvalid ConfigInvalid=True/SpecInvalid Stalled=True/SpecInvalid | Degraded | ConfigInvalid: ",
        "Ready=True/OwnersElected Conflict=True/ConflictWithYounger | Degraded | Conflict: ",
        "Ready=False/NotRendered Conflict=True/ConflictHeld Stalled=True/ConflictHeld | Degraded | Conflict: ",
        "Ready=False/SplitBrain SplitBrain=True/SplitBrain | Degraded | SplitBrain: ",
        "Ready=True/OwnersElected Stalled=True/AuthSecretNotFound | Degraded | Stalled: ",
        "Reconciling=True/KeyRotationStaged | Progressing | Waiting for the Ready condition"
      })
  void healthFollowsTheConditions(String conditions, String health, String message)
      throws IOException {
    List<String> result = run(cluster(conditions, 3, 3));
    assertThat(result.get(0)).isEqualTo(health);
    assertThat(result.get(1)).contains(message);
  }

  @Test
  void statusOfAnOlderGenerationIsProgressing() throws IOException {
    List<String> result = run(cluster("Ready=True/OwnersElected", 4, 3));
    assertThat(result.get(0)).isEqualTo("Progressing");
    assertThat(result.get(1)).contains("generation 4");
  }

  private static ObjectNode cluster(String conditions, int generation, int observed) {
    ObjectNode o = RenderedChart.YAML.createObjectNode();
    o.put("apiVersion", "relais.dev/v1alpha1").put("kind", "RouterCluster");
    o.putObject("metadata")
        .put("name", "tutorial")
        .put("namespace", "edge")
        .put("generation", generation);
    if (conditions.equals("-")) return o;
    ObjectNode status = o.putObject("status");
    status.put("observedGeneration", observed);
    ArrayNode list = status.putArray("conditions");
    for (String c : conditions.split(" ")) {
      String[] typeRest = c.split("=", 2);
      String[] statusReason = typeRest[1].split("/", 2);
      list.addObject()
          .put("type", typeRest[0])
          .put("status", statusReason[0])
          .put("reason", statusReason[1])
          .put("message", "detail of " + typeRest[0])
          .put("observedGeneration", observed)
          .put("lastTransitionTime", "2026-12-04T02:00:00Z");
    }
    return o;
  }

  /** Runs the script with obj bound as Argo CD binds it; returns status and message. */
  private static List<String> run(JsonNode obj) throws IOException {
    Path driver = Files.createTempFile("relais-argo-health", ".lua");
    try {
      Files.writeString(
          driver,
          "obj = "
              + lua(obj)
              + "\nlocal hs = dofile("
              + luaString(SCRIPT.toString())
              + ")\nprint(hs.status)\nprint(hs.message)\n");
      Tools.Result r =
          Tools.run(List.of(Tools.lua().toString(), driver.toString()), Map.of(), null);
      assertThat(r.exit()).as(r.err()).isZero();
      return r.out().lines().toList();
    } finally {
      Files.deleteIfExists(driver);
    }
  }

  /** JSON as a Lua table constructor, as Argo CD converts the object for its scripts. */
  static String lua(JsonNode node) {
    if (node.isObject()) {
      StringBuilder b = new StringBuilder("{");
      node.properties()
          .forEach(
              e ->
                  b.append('[')
                      .append(luaString(e.getKey()))
                      .append("]=")
                      .append(lua(e.getValue()))
                      .append(','));
      return b.append('}').toString();
    }
    if (node.isArray()) {
      StringBuilder b = new StringBuilder("{");
      node.forEach(n -> b.append(lua(n)).append(','));
      return b.append('}').toString();
    }
    if (node.isNumber() || node.isBoolean()) return node.asText();
    if (node.isNull()) return "nil";
    return luaString(node.asText());
  }

  private static String luaString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
