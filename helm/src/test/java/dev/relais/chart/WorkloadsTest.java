package dev.relais.chart;

import static dev.relais.chart.RenderedChart.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rendered Deployment and DaemonSet: security context, rollout, probes, arguments. */
class WorkloadsTest {
  private static final List<String> AGENT_CAPABILITIES =
      List.of("NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE", "SYS_NICE");

  private static JsonNode agentPod(RenderedChart chart) {
    return chart.one("DaemonSet", "relais-agent").path("spec").path("template").path("spec");
  }

  private static JsonNode container(JsonNode pod, String name) {
    for (JsonNode c : pod.path("containers")) if (name.equals(c.path("name").asText())) return c;
    throw new AssertionError("no container " + name + " in " + pod);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "nameOverride=",
        "operator.watchNamespaces={edge,core}",
        "agent.realtimePriority=0",
        "metrics.podMonitor.enabled=true,operator.replicas=2"
      })
  void everyContainerIsLockedDown(String values) {
    RenderedChart chart = RenderedChart.render(values);
    List<JsonNode> pods =
        chart.objects.stream()
            .filter(o -> o.path("spec").path("template").path("spec").has("containers"))
            .map(o -> o.path("spec").path("template").path("spec"))
            .toList();
    assertThat(pods).hasSize(2);
    for (JsonNode pod : pods) {
      assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText())
          .isEqualTo("RuntimeDefault");
      for (JsonNode c : pod.path("containers")) {
        JsonNode sc = c.path("securityContext");
        assertThat(sc.path("privileged").asBoolean(true)).as("privileged").isFalse();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean(false)).isTrue();
        assertThat(texts(sc.path("capabilities").path("drop"))).containsExactly("ALL");
        assertThat(c.has("livenessProbe") && c.has("readinessProbe") && c.has("startupProbe"))
            .as("probes of %s", c.path("name"))
            .isTrue();
      }
    }
  }

  @Test
  void agentRunsAsRootWithExactlyItsCapabilitiesOnTheHostNetwork() {
    JsonNode pod = agentPod(RenderedChart.render());
    JsonNode sc = container(pod, "agent").path("securityContext");
    assertThat(sc.path("runAsUser").asInt(-1)).isZero();
    assertThat(sc.path("runAsNonRoot").asBoolean(true)).isFalse();
    assertThat(texts(sc.path("capabilities").path("add")))
        .containsExactlyInAnyOrderElementsOf(AGENT_CAPABILITIES);
    assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
    assertThat(pod.path("dnsPolicy").asText()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(pod.path("hostPID").asBoolean(false)).isFalse();
    assertThat(pod.path("hostIPC").asBoolean(false)).isFalse();
  }

  @Test
  void realtimePriorityZeroDropsSysNiceAndTurnsTheLoopOff() {
    JsonNode agent = container(agentPod(RenderedChart.render("agent.realtimePriority=0")), "agent");
    assertThat(texts(agent.path("securityContext").path("capabilities").path("add")))
        .containsExactlyInAnyOrder("NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE");
    assertThat(texts(agent.path("args"))).contains("--realtime-priority=0");
  }

  @Test
  void agentRollsOutOneRouterAtATimeWithoutSurge() {
    JsonNode spec = RenderedChart.render().one("DaemonSet", "relais-agent").path("spec");
    JsonNode rolling = spec.path("updateStrategy").path("rollingUpdate");
    assertThat(spec.path("updateStrategy").path("type").asText()).isEqualTo("RollingUpdate");
    assertThat(rolling.path("maxUnavailable").asInt()).isEqualTo(1);
    assertThat(rolling.path("maxSurge").asInt(-1)).isZero();
    assertThat(spec.path("minReadySeconds").asInt()).isEqualTo(30);
  }

  @Test
  void agentArgumentsEnvironmentProbesAndVolumes() {
    JsonNode pod = agentPod(RenderedChart.render("agent.stateHostPath=/srv/relais"));
    JsonNode agent = container(pod, "agent");
    assertThat(texts(agent.path("args")))
        .containsExactly(
            "--kubernetes",
            "--state-dir=/var/lib/relais",
            "--metrics-address=0.0.0.0:9694",
            "--realtime-priority=10",
            "--shutdown-timeout=PT10S");
    assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThan(10);
    assertThat(fieldRef(agent, "NODE_NAME")).isEqualTo("spec.nodeName");
    assertThat(fieldRef(agent, "POD_NAMESPACE")).isEqualTo("metadata.namespace");
    assertThat(env(agent, "RELAIS_TMPDIR")).isEqualTo("/tmp");

    JsonNode liveness = agent.path("livenessProbe");
    assertThat(liveness.path("httpGet").path("path").asText()).isEqualTo("/healthz");
    assertThat(liveness.path("periodSeconds").asInt()).isEqualTo(10);
    assertThat(liveness.path("failureThreshold").asInt()).isEqualTo(6);
    assertThat(agent.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/readyz");
    assertThat(agent.path("ports").get(0).path("containerPort").asInt()).isEqualTo(9694);

    assertThat(mountPath(agent, "state")).isEqualTo("/var/lib/relais");
    assertThat(mountPath(agent, "tmp")).isEqualTo("/tmp");
    JsonNode state = volume(pod, "state");
    assertThat(state.path("hostPath").path("path").asText()).isEqualTo("/srv/relais");
    assertThat(volume(pod, "tmp").has("emptyDir")).isTrue();
    assertThat(pod.path("nodeSelector").path("relais.dev/router").asText()).isEqualTo("true");
  }

  @Test
  void agentPlacementComesFromValues() {
    JsonNode pod =
        agentPod(
            RenderedChart.render(
                "agent.nodeSelector.role=edge",
                "agent.tolerations[0].key=dedicated",
                "agent.tolerations[0].operator=Exists",
                "agent.tolerations[0].effect=NoSchedule"));
    assertThat(pod.path("nodeSelector").path("role").asText()).isEqualTo("edge");
    assertThat(pod.path("tolerations").get(0).path("key").asText()).isEqualTo("dedicated");
  }

  @Test
  void operatorRunsWithLeaderElectionAsNonRoot() {
    JsonNode deployment =
        RenderedChart.render("operator.replicas=2").one("Deployment", "relais-operator");
    JsonNode pod = deployment.path("spec").path("template").path("spec");
    JsonNode op = container(pod, "operator");
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.path("securityContext").path("runAsUser").asInt()).isNotZero();
    assertThat(op.path("securityContext").path("capabilities").has("add")).isFalse();
    assertThat(texts(op.path("args")))
        .containsExactly(
            "--namespace=$(POD_NAMESPACE)",
            "--http-address=0.0.0.0:9695",
            "--leader-election",
            "--lease-duration=15s",
            "--identity=$(POD_NAME)");
    assertThat(fieldRef(op, "POD_NAMESPACE")).isEqualTo("metadata.namespace");
    assertThat(fieldRef(op, "POD_NAME")).isEqualTo("metadata.name");
    assertThat(op.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/healthz");
    assertThat(op.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/readyz");
  }

  @Test
  void operatorWatchesOnlyListedNamespacesWhenGiven() {
    JsonNode op =
        container(
            RenderedChart.render("operator.watchNamespaces={edge,core}")
                .one("Deployment", "relais-operator")
                .path("spec")
                .path("template")
                .path("spec"),
            "operator");
    assertThat(texts(op.path("args"))).contains("--watch-namespaces=edge,core");
  }

  @Test
  void imagesComeFromTheRegistryValue() {
    RenderedChart chart =
        RenderedChart.render("image.registry=registry.example.com/relais", "image.tag=1.2.3");
    assertThat(container(agentPod(chart), "agent").path("image").asText())
        .isEqualTo("registry.example.com/relais/relais-agent:1.2.3");
    assertThat(
            container(
                    chart
                        .one("Deployment", "relais-operator")
                        .path("spec")
                        .path("template")
                        .path("spec"),
                    "operator")
                .path("image")
                .asText())
        .isEqualTo("registry.example.com/relais/relais-operator:1.2.3");
  }

  @Test
  void everyComponentHasAServiceAndMonitorsOnlyWhenAsked() {
    RenderedChart plain = RenderedChart.render();
    assertThat(
            plain
                .one("Service", "relais-operator")
                .path("spec")
                .path("ports")
                .get(0)
                .path("port")
                .asInt())
        .isEqualTo(9695);
    assertThat(plain.one("Service", "relais-agent").path("spec").path("clusterIP").asText())
        .isEqualTo("None");
    assertThat(plain.all("ServiceMonitor")).isEmpty();
    assertThat(plain.all("PodMonitor")).isEmpty();
    RenderedChart monitored =
        RenderedChart.render(
            "metrics.serviceMonitor.enabled=true", "metrics.podMonitor.enabled=true");
    assertThat(monitored.all("ServiceMonitor").map(m -> m.path("metadata").path("name").asText()))
        .containsExactlyInAnyOrder("relais-operator", "relais-agent");
    assertThat(monitored.all("PodMonitor")).hasSize(2);
  }

  private static String fieldRef(JsonNode container, String name) {
    return envEntry(container, name).path("valueFrom").path("fieldRef").path("fieldPath").asText();
  }

  private static String env(JsonNode container, String name) {
    return envEntry(container, name).path("value").asText();
  }

  private static JsonNode envEntry(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) if (name.equals(e.path("name").asText())) return e;
    throw new AssertionError("no env " + name);
  }

  private static String mountPath(JsonNode container, String volume) {
    for (JsonNode m : container.path("volumeMounts"))
      if (volume.equals(m.path("name").asText())) return m.path("mountPath").asText();
    throw new AssertionError("no mount of " + volume);
  }

  private static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode v : pod.path("volumes")) if (name.equals(v.path("name").asText())) return v;
    throw new AssertionError("no volume " + name);
  }
}
