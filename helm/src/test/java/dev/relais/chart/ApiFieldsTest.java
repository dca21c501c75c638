package dev.relais.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rendered object read into the Kubernetes API types (fabric8's model of them): a field they
 * do not know lands in additionalProperties, and would be refused or dropped by the API server.
 * Also checks apiVersions against those that Kubernetes 1.32 serves for the kind.
 */
class ApiFieldsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Class<? extends KubernetesResource>> TYPES =
      Map.of(
          "v1/Service", Service.class,
          "v1/ServiceAccount", ServiceAccount.class,
          "apps/v1/Deployment", Deployment.class,
          "apps/v1/DaemonSet", DaemonSet.class,
          "rbac.authorization.k8s.io/v1/Role", Role.class,
          "rbac.authorization.k8s.io/v1/RoleBinding", RoleBinding.class,
          "rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class,
          "rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class,
          "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy",
              ValidatingAdmissionPolicy.class,
          "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding",
              ValidatingAdmissionPolicyBinding.class);

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "nameOverride=",
        "operator.watchNamespaces={edge,core}",
        "agent.realtimePriority=0,operator.replicas=2",
        "image.pullSecrets={regcred},operator.podAnnotations.a=b,agent.priorityClassName=system-node-critical"
      })
  void everyObjectHasOnlyFieldsOfItsApiType(String values) throws Exception {
    RenderedChart chart = RenderedChart.render(values);
    for (JsonNode o : chart.objects) {
      String key = o.path("apiVersion").asText() + "/" + o.path("kind").asText();
      assertThat(TYPES).as("an apiVersion/kind served by Kubernetes 1.32").containsKey(key);
      KubernetesResource typed = JSON.treeToValue(o, TYPES.get(key));
      List<String> unknown = new ArrayList<>();
      walk(
          typed,
          key + " " + o.path("metadata").path("name").asText(),
          unknown,
          new IdentityHashMap<>());
      assertThat(unknown).as("fields the API type does not have").isEmpty();
    }
  }

  private static void walk(
      Object value, String path, List<String> unknown, Map<Object, Boolean> seen)
      throws IllegalAccessException {
    if (value == null || seen.put(value, true) != null) return;
    if (value instanceof Collection<?> c) {
      int i = 0;
      for (Object item : c) walk(item, path + "[" + i++ + "]", unknown, seen);
      return;
    }
    if (value instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) walk(e.getValue(), path + "." + e.getKey(), unknown, seen);
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) return;
    for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) continue;
        f.setAccessible(true);
        Object field = f.get(value);
        if (f.getName().equals("additionalProperties")) {
          if (field instanceof Map<?, ?> extra && !extra.isEmpty())
            unknown.add(path + ": " + extra.keySet());
        } else {
          walk(field, path + "." + f.getName(), unknown, seen);
        }
      }
    }
  }
}
