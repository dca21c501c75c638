package dev.relais.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.CelValidationException;
import dev.relais.render.ConfigObjects;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart's ValidatingAdmissionPolicy, run with cel-java on requests shaped as the API server
 * builds them (AdmissionRequest: operation, subResource, userInfo with the extra a pod-bound
 * ServiceAccount token carries since 1.30; object and oldObject as stored).
 */
class NodeStatePolicyTest {
  private static final String NS = RenderedChart.NAMESPACE;
  private static final String AGENT = "system:serviceaccount:" + NS + ":relais-agent";
  private static final String OPERATOR = "system:serviceaccount:" + NS + ":relais-operator";
  private static final String CLUSTER = "edge/tutorial";
  private static final String NODE_LABEL = "relais.dev/node";

  private static AdmissionPolicyRun policy;

  @BeforeAll
  static void renderPolicy() {
    policy = new AdmissionPolicyRun(RenderedChart.render().only("ValidatingAdmissionPolicy"));
  }

  /** A RouterNodeState as the agent on `node` writes it. */
  private static ObjectNode state(String node) {
    ObjectNode o = RenderedChart.YAML.createObjectNode();
    o.put("apiVersion", "relais.dev/v1alpha1").put("kind", "RouterNodeState");
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", ConfigObjects.nodeStateName("edge", "tutorial", node)).put("namespace", NS);
    meta.putObject("labels").put(NODE_LABEL, node);
    o.putObject("spec").put("cluster", CLUSTER).put("node", node);
    o.putObject("status").put("state", "Backup").put("reportTime", "2026-12-04T02:00:00Z");
    return o;
  }

  private static Map<String, Object> request(
      String operation, String subResource, String username, String nodeClaim, JsonNode target) {
    Map<String, Object> extra = new LinkedHashMap<>();
    if (nodeClaim != null) {
      extra.put("authentication.kubernetes.io/credential-id", List.of("JTI=4f7c9a6e"));
      extra.put("authentication.kubernetes.io/node-name", List.of(nodeClaim));
      extra.put("authentication.kubernetes.io/node-uid", List.of("9b2d0c1e-node"));
      extra.put("authentication.kubernetes.io/pod-name", List.of("relais-agent-x7k2p"));
      extra.put("authentication.kubernetes.io/pod-uid", List.of("5e8a4b3c-pod"));
    }
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("username", username);
    user.put("uid", "3c1f8d2a-sa");
    user.put(
        "groups",
        List.of("system:serviceaccounts", "system:serviceaccounts:" + NS, "system:authenticated"));
    // The API server leaves extra out of the request when the user has none.
    if (!extra.isEmpty()) user.put("extra", extra);
    Map<String, Object> gvk =
        Map.of("group", "relais.dev", "version", "v1alpha1", "kind", "RouterNodeState");
    Map<String, Object> gvr =
        Map.of("group", "relais.dev", "version", "v1alpha1", "resource", "routernodestates");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("uid", "705ab4f5-6393-11e8-b7cc-42010a800002");
    r.put("kind", gvk);
    r.put("resource", gvr);
    r.put("requestKind", gvk);
    r.put("requestResource", gvr);
    if (!subResource.isEmpty()) {
      r.put("subResource", subResource);
      r.put("requestSubResource", subResource);
    }
    r.put("name", target.path("metadata").path("name").asText());
    r.put("namespace", NS);
    r.put("operation", operation);
    r.put("userInfo", user);
    r.put("dryRun", false);
    return r;
  }

  private static AdmissionPolicyRun.Decision create(String claim, JsonNode object) {
    return policy.decide(request("CREATE", "", AGENT, claim, object), object, null);
  }

  private static AdmissionPolicyRun.Decision update(
      String subResource, String claim, JsonNode oldObject, JsonNode object) {
    return policy.decide(request("UPDATE", subResource, AGENT, claim, object), object, oldObject);
  }

  @Test
  void everyExpressionCompiles() throws CelValidationException {
    assertThat(policy.expressions()).hasSizeGreaterThan(8);
    for (String e : policy.expressions()) policy.compile(e);
  }

  @Test
  void agentCreatesAndUpdatesItsOwnNodeState() {
    ObjectNode mine = state("maitre");
    assertThat(create("maitre", mine).allowed()).isTrue();
    ObjectNode newer = mine.deepCopy();
    ((ObjectNode) newer.path("status")).put("state", "Master");
    assertThat(update("", "maitre", mine, newer).allowed()).isTrue();
    assertThat(update("status", "maitre", mine, newer).allowed()).isTrue();
  }

  @Test
  void agentCannotCreateAnotherNodesState() {
    var d = create("maitre", state("esclave"));
    assertThat(d.applies()).isTrue();
    assertThat(d.denial()).hasValueSatisfying(m -> assertThat(m).contains("maitre", "esclave"));
  }

  @Test
  void agentCannotWriteAnotherNodesStatus() {
    ObjectNode theirs = state("esclave");
    ObjectNode claimed = theirs.deepCopy();
    ((ObjectNode) claimed.path("status")).put("state", "Master");
    assertThat(update("status", "maitre", theirs, claimed).denial()).isPresent();
    assertThat(update("", "maitre", theirs, claimed).denial()).isPresent();
  }

  @Test
  void aTokenWithoutANodeClaimIsDenied() {
    var d = create(null, state("maitre"));
    assertThat(d.denial()).hasValueSatisfying(m -> assertThat(m).contains("names no node"));
  }

  @Test
  void changingSpecNodeIsDenied() {
    ObjectNode theirs = state("esclave");
    ObjectNode taken = theirs.deepCopy();
    ((ObjectNode) taken.path("spec")).put("node", "maitre");
    ((ObjectNode) taken.path("metadata").path("labels")).put(NODE_LABEL, "maitre");
    assertThat(update("", "maitre", theirs, taken).denial())
        .hasValueSatisfying(m -> assertThat(m).contains("another node"));
  }

  @Test
  void nameAndLabelMustNameTheWritersNode() {
    ObjectNode wrongName = state("maitre");
    ((ObjectNode) wrongName.path("metadata"))
        .put("name", ConfigObjects.nodeStateName("edge", "tutorial", "esclave"));
    assertThat(create("maitre", wrongName).denial())
        .hasValueSatisfying(m -> assertThat(m).contains("must be named"));

    ObjectNode wrongLabel = state("maitre");
    ((ObjectNode) wrongLabel.path("metadata").path("labels")).put(NODE_LABEL, "esclave");
    assertThat(create("maitre", wrongLabel).denial())
        .hasValueSatisfying(m -> assertThat(m).contains("relais.dev/node=maitre"));

    ObjectNode unlabelled = state("maitre");
    ((ObjectNode) unlabelled.path("metadata")).remove("labels");
    assertThat(create("maitre", unlabelled).denial()).isPresent();
  }

  @Test
  void deletesAreJudgedOnTheStoredObject() {
    ObjectNode theirs = state("esclave");
    assertThat(policy.decide(request("DELETE", "", AGENT, "maitre", theirs), null, theirs).denial())
        .isPresent();
    ObjectNode mine = state("maitre");
    assertThat(policy.decide(request("DELETE", "", AGENT, "maitre", mine), null, mine).allowed())
        .isTrue();
  }

  @Test
  void theOperatorsDeleteIsNotJudged() {
    ObjectNode theirs = state("esclave");
    var d = policy.decide(request("DELETE", "", OPERATOR, null, theirs), null, theirs);
    assertThat(d.applies()).isFalse();
    assertThat(d.allowed()).isTrue();
  }

  @Test
  void policyAndBindingCoverStateAndStatusInTheReleaseNamespace() {
    RenderedChart chart = RenderedChart.render();
    JsonNode spec = chart.only("ValidatingAdmissionPolicy").path("spec");
    assertThat(spec.path("failurePolicy").asText()).isEqualTo("Fail");
    JsonNode rule = spec.path("matchConstraints").path("resourceRules").get(0);
    assertThat(RenderedChart.texts(rule.path("operations")))
        .containsExactlyInAnyOrder("CREATE", "UPDATE", "DELETE");
    assertThat(RenderedChart.texts(rule.path("resources")))
        .containsExactlyInAnyOrder("routernodestates", "routernodestates/status");
    assertThat(RenderedChart.texts(rule.path("apiGroups"))).containsExactly("relais.dev");
    assertThat(spec.path("matchConditions").get(0).path("expression").asText()).contains(AGENT);

    JsonNode binding = chart.only("ValidatingAdmissionPolicyBinding").path("spec");
    assertThat(binding.path("policyName").asText())
        .isEqualTo(chart.only("ValidatingAdmissionPolicy").path("metadata").path("name").asText());
    assertThat(RenderedChart.texts(binding.path("validationActions"))).containsExactly("Deny");
    assertThat(
            binding
                .path("matchResources")
                .path("namespaceSelector")
                .path("matchLabels")
                .path("kubernetes.io/metadata.name")
                .asText())
        .isEqualTo(NS);
  }

  @Test
  void aValueTurnsThePolicyOff() {
    RenderedChart chart = RenderedChart.render("admissionPolicy.enabled=false");
    assertThat(chart.all("ValidatingAdmissionPolicy")).isEmpty();
    assertThat(chart.all("ValidatingAdmissionPolicyBinding")).isEmpty();
  }
}
