package dev.relais.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** `helm lint --strict` with the real helm: default values, the other modes, and wrong types. */
class ChartLintTest {
  private static Tools.Result lint(String... values) {
    List<String> command =
        new ArrayList<>(
            List.of(Tools.helm().toString(), "lint", "--strict", Tools.CHART.toString()));
    command.addAll(List.of("--namespace", RenderedChart.NAMESPACE, "--kube-version", "1.32.0"));
    for (String v : values) command.addAll(List.of("--set", v));
    return Tools.run(command);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "",
        "operator.watchNamespaces={edge,core}",
        "admissionPolicy.enabled=false",
        "metrics.serviceMonitor.enabled=true,metrics.podMonitor.enabled=true",
        "agent.realtimePriority=0",
        "operator.replicas=2,image.registry=registry.example.com/relais,image.tag=0.1.0-rc1",
        "operator.leaderElection.enabled=false",
        "rbac.create=false,operator.serviceAccount.create=false,agent.serviceAccount.create=false"
      })
  void lintsStrictlyClean(String values) {
    Tools.Result r = values.isEmpty() ? lint() : lint(values);
    assertThat(r.exit()).as(r.both()).isZero();
    assertThat(r.out()).contains("0 chart(s) failed").doesNotContain("[WARNING]", "[ERROR]");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "agent.realtimePriority=high",
        "agent.minReadySeconds=true",
        "operator.replicas=two",
        "admissionPolicy.enabled=yes",
        "operator.watchNamespaces=edge",
        "agent.realtimePriority=100",
        "agent.stateHostPath=relative/path",
        "operator.leaderElection.leaseDuration=15",
        "agent.hostNetwork=false"
      })
  void schemaRejectsAWrongValue(String value) {
    Tools.Result r = lint(value);
    assertThat(r.exit()).as(r.both()).isNotZero();
    assertThat(r.both()).contains("[ERROR]").contains("schema");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "agent.terminationGracePeriodSeconds=10 | must be above agent.shutdownTimeoutSeconds",
        "operator.replicas=2,operator.leaderElection.enabled=false | needs operator.leaderElection"
      })
  void templatesRefuseUnsafeCombinations(String values, String message) {
    // helm lint reports a template's fail() as INFO only; template (and install) stop on it.
    List<String> command = new ArrayList<>(RenderedChart.templateCommand());
    command.addAll(List.of("--set", values));
    Tools.Result r = Tools.run(command);
    assertThat(r.exit()).as(r.both()).isNotZero();
    assertThat(r.both()).contains(message);
  }
}
