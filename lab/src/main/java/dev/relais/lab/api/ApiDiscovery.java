package dev.relais.lab.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Legacy discovery as a real API server serves it (/api, /apis, /api/v1, /apis/GROUP/VERSION): the
 * built-in resources the lab uses, and every resource of the CRDs stored so far. kubectl needs it
 * to map "rtc" to a URL; the plain CRUD mock answers these paths with an empty list.
 */
final class ApiDiscovery {
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** A resource the API serves: where, what, and its short names. */
  record Resource(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      boolean status) {
    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  // What the operator, the agents and the lab's kubectl commands touch, as kube-apiserver 1.32
  // names them.
  static final List<Resource> BUILT_IN =
      List.of(
          new Resource(
              "", "v1", "namespaces", "namespace", "Namespace", false, List.of("ns"), true),
          new Resource("", "v1", "nodes", "node", "Node", false, List.of("no"), true),
          new Resource("", "v1", "secrets", "secret", "Secret", true, List.of(), false),
          new Resource(
              "", "v1", "configmaps", "configmap", "ConfigMap", true, List.of("cm"), false),
          new Resource("", "v1", "events", "event", "Event", true, List.of("ev"), false),
          new Resource("", "v1", "pods", "pod", "Pod", true, List.of("po"), true),
          new Resource("", "v1", "services", "service", "Service", true, List.of("svc"), true),
          new Resource(
              "",
              "v1",
              "serviceaccounts",
              "serviceaccount",
              "ServiceAccount",
              true,
              List.of("sa"),
              false),
          new Resource(
              "apiextensions.k8s.io",
              "v1",
              "customresourcedefinitions",
              "customresourcedefinition",
              "CustomResourceDefinition",
              false,
              List.of("crd", "crds"),
              true),
          new Resource(
              "coordination.k8s.io", "v1", "leases", "lease", "Lease", true, List.of(), false));

  private final ObjectMapper json;

  ApiDiscovery(ObjectMapper json) {
    this.json = json;
  }

  /** The resources a CRD adds, one per served version. */
  static List<Resource> resourcesOf(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    List<String> shortNames = new ArrayList<>();
    names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
    List<Resource> out = new ArrayList<>();
    for (JsonNode v : spec.path("versions")) {
      if (!v.path("served").asBoolean(true)) continue;
      out.add(
          new Resource(
              spec.path("group").asText(),
              v.path("name").asText(),
              names.path("plural").asText(),
              names.path("singular").asText(names.path("kind").asText().toLowerCase()),
              names.path("kind").asText(),
              !"Cluster".equals(spec.path("scope").asText()),
              List.copyOf(shortNames),
              v.path("subresources").has("status")));
    }
    return out;
  }

  /** The discovery document at {@code path} (no query), or empty when it is not one. */
  Optional<JsonNode> answer(String path, List<JsonNode> crds) {
    List<Resource> all = new ArrayList<>(BUILT_IN);
    crds.forEach(c -> all.addAll(resourcesOf(c)));
    String[] parts = path.replaceAll("/+$", "").split("/");
    if (path.equals("/api") || path.equals("/api/")) return Optional.of(apiVersions());
    if (path.equals("/apis") || path.equals("/apis/")) return Optional.of(groupList(all));
    if (parts.length == 3 && parts[1].equals("api")) {
      return resourceList(parts[2], all.stream().filter(r -> r.group().isEmpty()).toList());
    }
    if (parts.length == 4 && parts[1].equals("apis")) {
      String gv = parts[2] + "/" + parts[3];
      return resourceList(gv, all.stream().filter(r -> r.groupVersion().equals(gv)).toList());
    }
    if (parts.length == 3 && parts[1].equals("apis")) {
      return group(parts[2], all);
    }
    return Optional.empty();
  }

  private JsonNode apiVersions() {
    ObjectNode o = json.createObjectNode().put("kind", "APIVersions");
    o.putArray("versions").add("v1");
    o.putArray("serverAddressByClientCIDRs");
    return o;
  }

  /** Group name → versions, in the order first seen. */
  private static Map<String, List<String>> versionsByGroup(List<Resource> all) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (Resource r : all) {
      if (r.group().isEmpty()) continue;
      List<String> versions = groups.computeIfAbsent(r.group(), g -> new ArrayList<>());
      if (!versions.contains(r.version())) versions.add(r.version());
    }
    return groups;
  }

  private JsonNode groupList(List<Resource> all) {
    ObjectNode o = json.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = o.putArray("groups");
    versionsByGroup(all).forEach((name, versions) -> groups.add(groupNode(name, versions)));
    return o;
  }

  private Optional<JsonNode> group(String name, List<Resource> all) {
    List<String> versions = versionsByGroup(all).get(name);
    if (versions == null) return Optional.empty();
    ObjectNode g = groupNode(name, versions);
    g.put("kind", "APIGroup").put("apiVersion", "v1");
    return Optional.of(g);
  }

  private ObjectNode groupNode(String name, List<String> versions) {
    ObjectNode g = json.createObjectNode().put("name", name);
    ArrayNode vs = g.putArray("versions");
    for (String v : versions) {
      vs.addObject().put("groupVersion", name + "/" + v).put("version", v);
    }
    g.putObject("preferredVersion")
        .put("groupVersion", name + "/" + versions.getFirst())
        .put("version", versions.getFirst());
    return g;
  }

  private Optional<JsonNode> resourceList(String groupVersion, List<Resource> resources) {
    if (resources.isEmpty()) return Optional.empty();
    ObjectNode o =
        json.createObjectNode()
            .put("kind", "APIResourceList")
            .put("apiVersion", "v1")
            .put("groupVersion", groupVersion);
    ArrayNode list = o.putArray("resources");
    for (Resource r : resources) {
      ObjectNode n =
          list.addObject()
              .put("name", r.plural())
              .put("singularName", r.singular())
              .put("namespaced", r.namespaced())
              .put("kind", r.kind());
      VERBS.forEach(n.putArray("verbs")::add);
      if (!r.shortNames().isEmpty()) r.shortNames().forEach(n.putArray("shortNames")::add);
      if (r.status()) {
        ObjectNode s =
            list.addObject()
                .put("name", r.plural() + "/status")
                .put("singularName", "")
                .put("namespaced", r.namespaced())
                .put("kind", r.kind());
        List.of("get", "patch", "update").forEach(s.putArray("verbs")::add);
      }
    }
    return Optional.of(o);
  }
}
