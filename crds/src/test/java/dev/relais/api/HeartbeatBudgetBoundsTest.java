package dev.relais.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relais.api.v1alpha1.Rules;
import dev.relais.model.HeartbeatSize;
import dev.relais.model.Manifests;
import dev.relais.model.RouterClusterValidator;
import dev.relais.model.Violation;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The size budget through the API: the largest spec the CRD admits (16 nodes, 32 groups, every name
 * 63 characters) passes the Java validator and an API server (schema and CEL) alike, and one node
 * or group more, which would put the version 3 heartbeats an agent sends during a rolling upgrade
 * over {@link HeartbeatSize#BUDGET_BYTES} (version 4 alone has slack), fails both on the static
 * caps that stand in for a CEL twin of the size formula.
 */
class HeartbeatBudgetBoundsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int NODES = (int) Rules.MAX_NODES;
  private static final int GROUPS = (int) Rules.MAX_GROUPS;
  private final CrdSchema crd = new CrdSchema(CrdSchema.ROUTER_CLUSTERS);

  HeartbeatBudgetBoundsTest() throws IOException {}

  static String longName(String prefix, int i) {
    String head = prefix + "-" + i + "-";
    return head + "x".repeat((int) Rules.MAX_NAME - head.length());
  }

  static ObjectNode spec(int nodes, int groups) {
    ObjectNode spec = JSON.createObjectNode();
    ArrayNode ns = spec.putArray("nodes");
    for (int n = 0; n < nodes; n++) {
      ns.addObject()
          .put("name", longName("node", n))
          .put("priority", 250 - n)
          .putArray("addresses")
          .add("10.0." + (n / 200) + "." + (n % 200 + 1));
    }
    ArrayNode gs = spec.putArray("vipGroups");
    for (int g = 0; g < groups; g++) {
      ObjectNode group =
          gs.addObject()
              .put("name", longName("group", g))
              .put("preferredNode", longName("node", 0));
      group
          .putArray("addresses")
          .addObject()
          .put("address", "192.0." + (g / 200 + 2) + "." + (g % 200 + 1) + "/24")
          .put("interface", "enp0s3");
    }
    spec.putObject("authSecretRef").put("name", "auth").put("activeKeyId", "1");
    return spec;
  }

  @Test
  void theLargestSpecTheApiAdmitsPassesBothAndItsHeartbeatsFit() throws IOException {
    ObjectNode spec = spec(NODES, GROUPS);
    assertThat(java(spec)).isEmpty();
    assertThat(schema(spec)).isEmpty();
    assertThat(CelRules.evaluate(crd.specSchema(), defaulted(spec))).isEmpty();
    assertThat(HeartbeatSize.worstCaseBytesV3(NODES, GROUPS))
        .isLessThanOrEqualTo(HeartbeatSize.BUDGET_BYTES);
  }

  @Test
  void oneNodeMoreWouldExceedTheBudgetAndFailsBothOnTheNodeCap() throws IOException {
    assertThat(HeartbeatSize.worstCaseBytesV3(NODES + 1, GROUPS))
        .isGreaterThan(HeartbeatSize.BUDGET_BYTES);
    ObjectNode spec = spec(NODES + 1, GROUPS);
    assertThat(java(spec))
        .contains(new Violation("spec.nodes", "must have at most " + NODES + " items"));
    assertThat(schema(spec)).containsExactly("spec.nodes: maxItems");
  }

  @Test
  void oneGroupMoreWouldExceedTheBudgetAndFailsBothOnTheGroupCap() throws IOException {
    assertThat(HeartbeatSize.worstCaseBytesV3(NODES, GROUPS + 1))
        .isGreaterThan(HeartbeatSize.BUDGET_BYTES);
    ObjectNode spec = spec(NODES, GROUPS + 1);
    assertThat(java(spec))
        .contains(new Violation("spec.vipGroups", "must have at most " + GROUPS + " items"));
    assertThat(schema(spec)).containsExactly("spec.vipGroups: maxItems");
  }

  @Test
  void theCapsInTheCrdAreTheBoundsTheBudgetWasCheckedAgainst() {
    assertThat(crd.specSchema().at("/properties/nodes/maxItems").asLong())
        .isEqualTo(Rules.MAX_NODES);
    assertThat(crd.specSchema().at("/properties/vipGroups/maxItems").asLong())
        .isEqualTo(Rules.MAX_GROUPS);
    assertThat(HeartbeatSize.boundsFit()).isTrue();
  }

  private List<String> schema(ObjectNode spec) {
    return CrdSchema.check("spec", crd.specSchema(), defaulted(spec));
  }

  private ObjectNode defaulted(ObjectNode spec) {
    ObjectNode copy = spec.deepCopy();
    CrdSchema.applyDefaults(crd.specSchema(), copy);
    return copy;
  }

  private static List<Violation> java(ObjectNode spec) throws IOException {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("apiVersion", "relais.dev/v1alpha1").put("kind", "RouterCluster");
    doc.putObject("metadata").put("name", "largest");
    doc.set("spec", spec);
    return RouterClusterValidator.validate(
        Manifests.parse(JSON.writeValueAsString(doc)).routerClusters().getFirst().getSpec());
  }
}
