package dev.relais.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The grants as the chart renders them, rule by rule, as "group/resource[name] verb" (core group
 * written as "core"): exactly what docs/design/chart.md lists, and no wildcard anywhere.
 */
class RbacTest {
  private static final Set<String> OPERATOR_WATCH =
      Set.of(
          "relais.dev/routerclusters get",
          "relais.dev/routerclusters list",
          "relais.dev/routerclusters watch",
          "relais.dev/routerclusters patch",
          "relais.dev/routerclusters/status update",
          "relais.dev/routerclusters/status patch",
          "core/secrets get",
          "core/secrets list",
          "core/secrets watch",
          "core/events create");
  private static final Set<String> OPERATOR_CLUSTER =
      Set.of(
          "core/nodes list",
          "core/nodes watch",
          "authorization.k8s.io/selfsubjectrulesreviews create");
  private static final Set<String> OPERATOR_RELEASE_NAMESPACE =
      Set.of(
          "core/secrets list",
          "core/secrets watch",
          "core/secrets create",
          "core/secrets update",
          "core/secrets patch",
          "core/secrets delete",
          "relais.dev/routernodestates list",
          "relais.dev/routernodestates watch",
          "relais.dev/routernodestates delete",
          "coordination.k8s.io/leases create",
          "coordination.k8s.io/leases[relais-operator] get",
          "coordination.k8s.io/leases[relais-operator] update",
          "coordination.k8s.io/leases[relais-operator] patch");

  static Set<String> grants(JsonNode role) {
    Set<String> out = new TreeSet<>();
    for (JsonNode rule : role.path("rules")) {
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          for (JsonNode verb : rule.path("verbs")) {
            String g = group.asText().isEmpty() ? "core" : group.asText();
            if (rule.path("resourceNames").isEmpty()) {
              out.add(g + "/" + resource.asText() + " " + verb.asText());
            } else {
              for (JsonNode n : rule.path("resourceNames"))
                out.add(g + "/" + resource.asText() + "[" + n.asText() + "] " + verb.asText());
            }
          }
        }
      }
    }
    return out;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  @Test
  void agentMayReadSecretsAndWriteNodeStatesInTheReleaseNamespaceOnly() {
    RenderedChart chart = RenderedChart.render();
    JsonNode role = chart.one("Role", "relais-agent");
    assertThat(role.path("metadata").path("namespace").asText()).isEqualTo(RenderedChart.NAMESPACE);
    assertThat(grants(role))
        .containsExactlyInAnyOrder(
            "core/secrets get",
            "core/secrets list",
            "core/secrets watch",
            "relais.dev/routernodestates get",
            "relais.dev/routernodestates list",
            "relais.dev/routernodestates watch",
            "relais.dev/routernodestates create",
            "relais.dev/routernodestates update",
            "relais.dev/routernodestates patch",
            "relais.dev/routernodestates/status get",
            "relais.dev/routernodestates/status update",
            "relais.dev/routernodestates/status patch");
    JsonNode binding = chart.one("RoleBinding", "relais-agent");
    assertThat(binding.path("roleRef").path("name").asText()).isEqualTo("relais-agent");
    assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo("relais-agent");
    // Nothing cluster-wide is bound to the agents' ServiceAccount.
    chart
        .all("ClusterRoleBinding")
        .forEach(
            b ->
                b.path("subjects")
                    .forEach(
                        s -> assertThat(s.path("name").asText()).isNotEqualTo("relais-agent")));
  }

  /** chart.md's agent table is what the chart grants (the list kubectl auth can-i is held to). */
  @Test
  void documentedAgentGrantsAreTheRenderedOnes() throws java.io.IOException {
    String doc = java.nio.file.Files.readString(Tools.ROOT.resolve("docs/design/chart.md"));
    String table = doc.substring(doc.indexOf("**Agent**"), doc.indexOf("**RBAC cannot narrow"));
    Set<String> documented = new TreeSet<>();
    var row =
        java.util.regex.Pattern.compile(
                "^\\| ([a-z/]+) \\| ([a-z, ]+) \\|", java.util.regex.Pattern.MULTILINE)
            .matcher(table);
    while (row.find()) {
      String resource = row.group(1);
      if (resource.equals("resource")) continue; // the header
      String group = resource.startsWith("secrets") ? "core" : "relais.dev";
      for (String verb : row.group(2).split(",\\s*"))
        documented.add(group + "/" + resource + " " + verb);
    }
    assertThat(documented).hasSizeGreaterThan(5);
    assertThat(grants(RenderedChart.render().one("Role", "relais-agent")))
        .containsExactlyInAnyOrderElementsOf(documented);
  }

  @Test
  void operatorWatchingAllNamespacesHoldsTheWatchGrantsClusterWide() {
    RenderedChart chart = RenderedChart.render();
    assertThat(grants(chart.only("ClusterRole")))
        .containsExactlyInAnyOrderElementsOf(union(OPERATOR_CLUSTER, OPERATOR_WATCH));
    assertThat(grants(chart.one("Role", "relais-operator")))
        .containsExactlyInAnyOrderElementsOf(OPERATOR_RELEASE_NAMESPACE);
    JsonNode binding = chart.only("ClusterRoleBinding");
    assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo("relais-operator");
    assertThat(binding.path("subjects").get(0).path("namespace").asText())
        .isEqualTo(RenderedChart.NAMESPACE);
  }

  @Test
  void operatorWatchingListedNamespacesGetsARoleInEachAndNoClusterWideSecrets() {
    RenderedChart chart = RenderedChart.render("operator.watchNamespaces={edge,core}");
    assertThat(grants(chart.only("ClusterRole")))
        .containsExactlyInAnyOrderElementsOf(OPERATOR_CLUSTER);
    for (String ns : new String[] {"edge", "core"}) {
      JsonNode role =
          chart
              .all("Role")
              .filter(r -> ns.equals(r.path("metadata").path("namespace").asText()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no Role in " + ns));
      assertThat(grants(role)).containsExactlyInAnyOrderElementsOf(OPERATOR_WATCH);
      JsonNode binding =
          chart
              .all("RoleBinding")
              .filter(b -> ns.equals(b.path("metadata").path("namespace").asText()))
              .findFirst()
              .orElseThrow();
      assertThat(binding.path("roleRef").path("name").asText())
          .isEqualTo(role.path("metadata").path("name").asText());
      assertThat(binding.path("subjects").get(0).path("namespace").asText())
          .isEqualTo(RenderedChart.NAMESPACE);
    }
    assertThat(grants(chart.one("Role", "relais-operator")))
        .containsExactlyInAnyOrderElementsOf(OPERATOR_RELEASE_NAMESPACE);
  }

  @Test
  void withoutLeaderElectionTheOperatorHasNoLeaseGrant() {
    RenderedChart chart = RenderedChart.render("operator.leaderElection.enabled=false");
    assertThat(grants(chart.one("Role", "relais-operator")))
        .noneMatch(g -> g.startsWith("coordination.k8s.io/"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"nameOverride=", "operator.watchNamespaces={edge,core}"})
  void noRuleHasAWildcardOrEscalatingVerb(String values) {
    RenderedChart chart = RenderedChart.render(values);
    chart.objects.stream()
        .filter(o -> o.path("kind").asText().endsWith("Role"))
        .forEach(
            role ->
                assertThat(grants(role))
                    .as("%s %s", role.path("kind"), role.path("metadata").path("name"))
                    .isNotEmpty()
                    .allSatisfy(
                        g ->
                            assertThat(g)
                                .doesNotContain("*")
                                .doesNotEndWith(" escalate")
                                .doesNotEndWith(" bind")
                                .doesNotEndWith(" impersonate")));
  }

  @Test
  void rbacOffRendersNoGrants() {
    RenderedChart chart = RenderedChart.render("rbac.create=false");
    assertThat(chart.objects)
        .noneMatch(o -> o.path("apiVersion").asText().startsWith("rbac.authorization.k8s.io"));
  }
}
