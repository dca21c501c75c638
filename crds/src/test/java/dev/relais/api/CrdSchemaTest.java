package dev.relais.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed CRDs have what a real API server requires and what users rely on. */
class CrdSchemaTest {
  private final CrdSchema clusters = new CrdSchema(CrdSchema.ROUTER_CLUSTERS);
  private final CrdSchema nodeStates = new CrdSchema(CrdSchema.ROUTER_NODE_STATES);

  CrdSchemaTest() throws IOException {}

  @Test
  void everySchemaNodeHasATypeAndEveryListMapKeyIsRequired() {
    for (CrdSchema crd : List.of(clusters, nodeStates)) {
      List<String> problems = new ArrayList<>();
      structural("", crd.version().path("schema").path("openAPIV3Schema"), problems);
      assertThat(problems).isEmpty();
    }
  }

  @Test
  void isNamespacedWithShortNameAndStatusSubresource() {
    assertThat(clusters.crd.at("/spec/group").asText()).isEqualTo("relais.dev");
    assertThat(clusters.crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
    assertThat(clusters.crd.at("/spec/names/shortNames/0").asText()).isEqualTo("rtc");
    assertThat(clusters.version().path("name").asText()).isEqualTo("v1alpha1");
    assertThat(clusters.version().path("subresources").has("status")).isTrue();
    assertThat(nodeStates.version().path("subresources").has("status")).isTrue();
  }

  @Test
  void printerColumnsShowVipActiveReadyAndAge() {
    List<String> columns = new ArrayList<>();
    clusters
        .version()
        .path("additionalPrinterColumns")
        .forEach(c -> columns.add(c.get("name").asText() + "=" + c.get("jsonPath").asText()));
    assertThat(columns)
        .contains(
            "VIP=.status.vip",
            "ACTIVE=.status.activeNode",
            "READY=.status.conditions[?(@.type==\"Ready\")].status",
            "REASON=.status.conditions[?(@.type==\"Ready\")].reason",
            "LAST FAILOVER=.status.lastFailover.time",
            "AGE=.metadata.creationTimestamp");
  }

  @Test
  void printerColumnsComeInDeclarationOrderWithAgeLastAndWideOnesAtPriorityOne() {
    List<String> columns = new ArrayList<>();
    clusters
        .version()
        .path("additionalPrinterColumns")
        .forEach(c -> columns.add(c.get("name").asText() + "/" + c.get("priority").asInt()));
    assertThat(columns)
        .containsExactly("VIP/0", "ACTIVE/0", "READY/0", "REASON/1", "LAST FAILOVER/1", "AGE/0");
    List<String> nodeStateColumns = new ArrayList<>();
    nodeStates
        .version()
        .path("additionalPrinterColumns")
        .forEach(c -> nodeStateColumns.add(c.get("name").asText()));
    assertThat(nodeStateColumns).containsExactly("CLUSTER", "NODE", "STATE", "AGE");
  }

  @Test
  void everyFieldOfTheSpecIsDescribedForKubectlExplain() {
    List<String> undescribed = new ArrayList<>();
    described("spec", clusters.specSchema(), undescribed);
    assertThat(undescribed).isEmpty();
  }

  @Test
  void everyCelRuleCompilesAgainstTheSchemaItSitsOn() {
    assertThat(CelRules.compileAll(clusters.specSchema())).isEmpty();
    List<String> rules = new ArrayList<>();
    CelRules.walkRules("spec", clusters.specSchema(), (p, n, r) -> rules.add(r.expression()));
    assertThat(rules).hasSizeGreaterThanOrEqualTo(12);
  }

  @Test
  void aRuleNamingAMissingFieldDoesNotCompile() throws IOException {
    JsonNode spec = clusters.specSchema().deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) spec.get("x-kubernetes-validations").get(0))
        .put("rule", "size(self.nodez) >= 2");
    assertThat(CelRules.compileAll(spec)).singleElement().asString().contains("nodez");
  }

  @Test
  void everyListAndStringThatARuleIteratesIsBounded() {
    List<String> unbounded = new ArrayList<>();
    bounded("spec", clusters.specSchema(), unbounded);
    assertThat(unbounded).isEmpty();
  }

  private static void structural(String path, JsonNode node, List<String> problems) {
    if (!node.has("type")
        && !node.has("x-kubernetes-int-or-string")
        && !node.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      problems.add(path + " has no type");
    }
    if (node.has("x-kubernetes-list-map-keys")) {
      JsonNode items = node.path("items");
      for (JsonNode key : node.get("x-kubernetes-list-map-keys")) {
        boolean required = false;
        for (JsonNode r : items.path("required")) required |= r.asText().equals(key.asText());
        boolean defaulted = items.path("properties").path(key.asText()).has("default");
        if (!required && !defaulted)
          problems.add(
              path + " list-map key " + key.asText() + " is neither required nor defaulted");
      }
    }
    node.path("properties")
        .properties()
        .forEach(p -> structural(path + "." + p.getKey(), p.getValue(), problems));
    if (node.has("items")) structural(path + "[]", node.get("items"), problems);
  }

  private static void described(String path, JsonNode node, List<String> out) {
    node.path("properties")
        .properties()
        .forEach(
            p -> {
              if (!p.getValue().has("description")) out.add(path + "." + p.getKey());
              described(path + "." + p.getKey(), p.getValue(), out);
            });
    if (node.has("items")) described(path + "[]", node.get("items"), out);
  }

  private static void bounded(String path, JsonNode node, List<String> out) {
    String type = node.path("type").asText();
    if (type.equals("array") && !node.has("maxItems")) out.add(path + " lacks maxItems");
    if (type.equals("string") && !node.has("maxLength") && !node.has("enum"))
      out.add(path + " lacks maxLength");
    node.path("properties")
        .properties()
        .forEach(p -> bounded(path + "." + p.getKey(), p.getValue(), out));
    if (node.has("items")) bounded(path + "[]", node.get("items"), out);
  }
}
