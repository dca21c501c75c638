package dev.relais.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relais.api.v1alpha1.Rules;
import dev.relais.model.Manifests;
import dev.relais.model.RouterClusterValidator;
import dev.relais.model.Violation;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of specs, judged twice: by the Java validator on the spec as {@link Manifests} binds
 * it, and as a real API server would (schema defaults, OpenAPI constraints and list-map keys, then
 * the CRD's CEL rules in cel-java unless a blocking schema error skips them). Both must agree,
 * message for message.
 */
class ValidationAgreementTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CrdSchema CRD = load();
  // The schema errors after which an API server evaluates no CEL rule (hasBlockingErr in
  // apiextensions-apiserver's customresource strategy): Required, TooLong, TooMany, NotSupported
  // and TypeInvalid. A Duplicate list-map key or a value out of range does not block.
  private static final Set<String> BLOCKING =
      Set.of("required", "maxLength", "maxItems", "enum", "type");

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        cel("one node", s -> nodes(s).remove(1), "spec", Rules.NODES_MIN_TWO_MSG),
        cel(
            "duplicate node names",
            s -> node(s, 1).put("name", "maitre"),
            "spec",
            Rules.NODES_UNIQUE_MSG),
        cel(
            "duplicate group names",
            s -> groups(s).add(groups(s).get(0).deepCopy()),
            "spec",
            Rules.GROUPS_UNIQUE_MSG),
        cel(
            "unknown preferred node",
            s -> group(s).put("preferredNode", "ghost"),
            "spec",
            Rules.PREFERRED_EXISTS_MSG),
        cel(
            "unknown requested node",
            s -> group(s).put("requestedNode", "ghost"),
            "spec",
            Rules.REQUESTED_EXISTS_MSG),
        cel(
            "unknown standby node",
            s -> s.putArray("standby").add("ghost"),
            "spec",
            Rules.STANDBY_EXISTS_MSG),
        cel(
            "unicast without addresses",
            s -> node(s, 0).remove("addresses"),
            "spec",
            Rules.UNICAST_ADDRESSES_MSG),
        cel(
            "deadtime not over 2x keepalive",
            s -> hb(s).put("deadTimeMs", 4000),
            "spec.heartbeat",
            Rules.DEADTIME_OVER_KEEPALIVE_MSG),
        cel(
            "warntime below keepalive",
            s -> hb(s).put("warnTimeMs", 1000),
            "spec.heartbeat",
            Rules.WARNTIME_BETWEEN_MSG),
        cel(
            "warntime at deadtime",
            s -> hb(s).put("warnTimeMs", 10000),
            "spec.heartbeat",
            Rules.WARNTIME_BETWEEN_MSG),
        cel(
            "initdead below deadtime",
            s -> hb(s).put("initDeadMs", 9000),
            "spec.heartbeat",
            Rules.INITDEAD_AT_LEAST_DEADTIME_MSG),
        cel(
            "broadcast without interface",
            s -> hb(s).put("transport", "Broadcast"),
            "spec.heartbeat",
            Rules.MEDIA_NEED_INTERFACES_MSG),
        cel(
            "multicast without group",
            s -> hb(s).put("transport", "Multicast").putArray("interfaces").add("enp0s3"),
            "spec.heartbeat",
            Rules.MULTICAST_NEEDS_GROUP_MSG),
        cel(
            "label without interface prefix",
            s -> vip(s).put("label", "eth0:0"),
            "spec.vipGroups[0].addresses[0]",
            Rules.LABEL_PREFIX_MSG),
        cel(
            "ARP ping group with an IPv6 target",
            s ->
                s.putObject("health")
                    .putArray("pingGroups")
                    .addObject()
                    .put("name", "gw")
                    .put("arpInterface", "enp0s3")
                    .putArray("targets")
                    .add("fd00::1"),
            "spec.health.pingGroups[0]",
            Rules.ARP_PING_IPV4_MSG),
        cel(
            "delayed without delay",
            s -> s.putObject("failback").put("policy", "Delayed"),
            "spec.failback",
            Rules.DELAYED_NEEDS_DELAY_MSG),
        schema(
            "vip without prefix",
            s -> vip(s).put("address", "192.168.200.10"),
            "spec.vipGroups[0].addresses[0].address"),
        schema(
            "vip not an address",
            s -> vip(s).put("address", "192.168.200.300/24"),
            "spec.vipGroups[0].addresses[0].address"),
        schema(
            "node address garbage",
            s -> ((ArrayNode) node(s, 0).get("addresses")).set(0, "maitre.lan"),
            "spec.nodes[0].addresses[0]"),
        schema("upper-case node name", s -> node(s, 0).put("name", "Maitre"), "spec.nodes[0].name"),
        schema(
            "priority out of range",
            s -> node(s, 0).put("priority", 300),
            "spec.nodes[0].priority"),
        schema("port out of range", s -> hb(s).put("port", 70000), "spec.heartbeat.port"),
        schema("no auth secret", s -> s.remove("authSecretRef"), "spec.authSecretRef"),
        schema(
            "no active key id",
            s -> ((ObjectNode) s.get("authSecretRef")).remove("activeKeyId"),
            "spec.authSecretRef.activeKeyId"),
        schema(
            "interface name too long",
            s -> vip(s).put("interface", "enp0s3enp0s3enp0s3"),
            "spec.vipGroups[0].addresses[0].interface"),
        schema(
            "too many nodes",
            s -> {
              for (int i = 0; i < 16; i++)
                nodes(s)
                    .addObject()
                    .put("name", "n" + i)
                    .putArray("addresses")
                    .add("10.0.0." + (i + 1));
            },
            "spec.nodes"),
        schema(
            "group without addresses",
            s -> group(s).remove("addresses"),
            "spec.vipGroups[0].addresses"),
        schema("no nodes", s -> s.remove("nodes"), "spec.nodes", "Required value"),
        schema("no VIP groups", s -> s.remove("vipGroups"), "spec.vipGroups", "Required value"),
        schema(
            "a node name twice",
            s -> node(s, 1).put("name", "maitre"),
            "spec.nodes[1]",
            "Duplicate value: {\"name\":\"maitre\"}"),
        schema(
            "a group name twice",
            s -> groups(s).add(groups(s).get(0).deepCopy()),
            "spec.vipGroups[1]",
            "Duplicate value: {\"name\":\"gateway\"}"),
        schema(
            "auth secret name too long",
            s -> ((ObjectNode) s.get("authSecretRef")).put("name", "a".repeat(254)),
            "spec.authSecretRef.name"),
        schema(
            "auth secret name not a DNS name",
            s -> ((ObjectNode) s.get("authSecretRef")).put("name", "Tutorial_Auth"),
            "spec.authSecretRef.name"),
        schema(
            "node address with a zone id",
            s -> ((ArrayNode) node(s, 0).get("addresses")).set(0, "fe80::1%enp0s3"),
            "spec.nodes[0].addresses[0]"),
        schema(
            "ping target with a zone id",
            s -> s.putObject("health").putArray("pingTargets").add("fe80::1%enp0s3"),
            "spec.health.pingTargets[0]"),
        schema(
            "multicast group with a zone id",
            s -> hb(s).put("multicastGroup", "ff02::1%enp0s3"),
            "spec.heartbeat.multicastGroup"),
        schema(
            "VIP with a zone id",
            s -> vip(s).put("address", "fd00::10%enp0s3/64").remove("label"),
            "spec.vipGroups[0].addresses[0].address"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void badSpecFailsBothWithTheExpectedMessage(
      String name, Consumer<ObjectNode> mutate, boolean isCel, String path, String message)
      throws IOException {
    ObjectNode spec = tutorialSpec();
    mutate.accept(spec);
    List<Violation> java = java(spec);
    ApiServerVerdict server = apiServer(spec);
    if (isCel) {
      assertThat(java).contains(new Violation(path, message));
      assertThat(server.cel()).contains(new CelRules.Failure(path, message));
    } else {
      assertThat(java).extracting(Violation::path).contains(path);
      if (!message.isEmpty()) assertThat(java).contains(new Violation(path, message));
      assertThat(server.schema()).anyMatch(f -> f.startsWith(path + ": "));
    }
    assertThat(celMessagesOf(java)).isEqualTo(new HashSet<>(server.cel()));
  }

  static Stream<Arguments> integerBounds() {
    List<Arguments> out = new ArrayList<>();
    integerBounds("spec", CRD.specSchema(), out);
    return out.stream();
  }

  private static void integerBounds(String path, JsonNode schema, List<Arguments> out) {
    if (schema.path("type").asText().equals("integer")) {
      double min = schema.path("minimum").asDouble(Double.NaN);
      double max = schema.path("maximum").asDouble(Double.NaN);
      if (schema.has("minimum")) out.add(Arguments.of(path, (long) min - 1, min, max));
      if (schema.has("maximum")) out.add(Arguments.of(path, (long) max + 1, min, max));
    }
    schema
        .path("properties")
        .properties()
        .forEach(p -> integerBounds(path + "." + p.getKey(), p.getValue(), out));
    if (schema.has("items")) integerBounds(path + "[0]", schema.get("items"), out);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("integerBounds")
  void everyIntegerBoundOfTheSchemaFailsBoth(String path, long value, double min, double max)
      throws IOException {
    ObjectNode spec = tutorialSpec();
    put(spec, path, value);
    List<Violation> java = java(spec);
    ApiServerVerdict server = apiServer(spec);
    assertThat(java)
        .contains(new Violation(path, "must be between " + (long) min + " and " + (long) max));
    assertThat(server.schema()).contains(path + ": " + (value < min ? "minimum" : "maximum"));
    assertThat(celMessagesOf(java)).isEqualTo(new HashSet<>(server.cel()));
  }

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        Arguments.of(
            "quoted keepalive",
            (Consumer<ObjectNode>) s -> hb(s).put("keepaliveMs", "2000"),
            "spec.heartbeat.keepaliveMs",
            "string"),
        Arguments.of(
            "quoted priority",
            (Consumer<ObjectNode>) s -> node(s, 1).put("priority", "100"),
            "spec.nodes[1].priority",
            "string"),
        Arguments.of(
            "fractional deadtime",
            (Consumer<ObjectNode>) s -> hb(s).put("deadTimeMs", 10000.5),
            "spec.heartbeat.deadTimeMs",
            "number"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongTypes")
  void aNumberOfTheWrongJsonTypeFailsBothNamingTheField(
      String name, Consumer<ObjectNode> mutate, String path, String given) throws IOException {
    ObjectNode spec = tutorialSpec();
    mutate.accept(spec);
    assertThat(apiServer(spec).schema()).contains(path + ": type");
    assertThatThrownBy(() -> java(spec))
        .isInstanceOf(IOException.class)
        .hasMessage("document 1: " + path + ": must be of type integer: \"" + given + "\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExamplePassesBoth(Path example) throws IOException {
    for (JsonNode doc :
        CrdSchema.YAML
            .readValues(CrdSchema.YAML.createParser(Files.readString(example)), JsonNode.class)
            .readAll()) {
      if (!doc.path("kind").asText().equals("RouterCluster")) continue;
      ObjectNode spec = (ObjectNode) doc.get("spec");
      assertThat(java(spec)).isEmpty();
      ApiServerVerdict server = apiServer(spec);
      assertThat(server.schema()).isEmpty();
      assertThat(server.cel()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ruleMessages")
  void everyCelRuleIsExercisedByTheTable(String message) {
    assertThat(badSpecs().map(a -> a.get()[4])).contains(message);
  }

  static Stream<Path> examples() throws IOException {
    return Files.list(Path.of("../examples")).filter(p -> p.toString().endsWith(".yaml")).sorted();
  }

  static Stream<String> ruleMessages() throws IllegalAccessException {
    List<String> out = new ArrayList<>();
    for (Field f : Rules.class.getFields()) {
      if (f.getName().endsWith("_MSG")) out.add((String) f.get(null));
    }
    return out.stream();
  }

  record ApiServerVerdict(List<String> schema, List<CelRules.Failure> cel) {}

  /** The Java side: the spec in a RouterCluster document, read as users' files are, validated. */
  private static List<Violation> java(ObjectNode spec) throws IOException {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("apiVersion", "relais.dev/v1alpha1").put("kind", "RouterCluster");
    doc.putObject("metadata").put("name", "tutorial");
    doc.set("spec", spec);
    return RouterClusterValidator.validate(
        Manifests.parse(JSON.writeValueAsString(doc)).routerClusters().getFirst().getSpec());
  }

  private static ApiServerVerdict apiServer(ObjectNode userSpec) {
    ObjectNode spec = userSpec.deepCopy();
    CrdSchema.applyDefaults(CRD.specSchema(), spec);
    List<String> schema = CrdSchema.check("spec", CRD.specSchema(), spec);
    boolean blocked =
        schema.stream().anyMatch(f -> BLOCKING.contains(f.substring(f.lastIndexOf(": ") + 2)));
    return new ApiServerVerdict(
        schema,
        blocked
            // The server gives this message no path; the validator puts it under spec.
            ? List.of(new CelRules.Failure("spec", Rules.RULES_NOT_CHECKED))
            : CelRules.evaluate(CRD.specSchema(), spec));
  }

  private static Set<CelRules.Failure> celMessagesOf(List<Violation> violations)
      throws IllegalStateException {
    Set<String> celMessages = new HashSet<>(Set.of(Rules.RULES_NOT_CHECKED));
    try {
      ruleMessages().forEach(celMessages::add);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    Set<CelRules.Failure> out = new HashSet<>();
    violations.stream()
        .filter(v -> celMessages.contains(v.message()))
        .forEach(v -> out.add(new CelRules.Failure(v.path(), v.message())));
    return out;
  }

  private static ObjectNode tutorialSpec() throws IOException {
    for (JsonNode doc :
        CrdSchema.YAML
            .readValues(
                CrdSchema.YAML.createParser(Files.readString(Path.of("../examples/tutorial.yaml"))),
                JsonNode.class)
            .readAll()) {
      if (doc.path("kind").asText().equals("RouterCluster")) return (ObjectNode) doc.get("spec");
    }
    throw new AssertionError("no RouterCluster in examples/tutorial.yaml");
  }

  /** Sets {@code path} (as spec.nodes[0].priority) in the spec, making the objects on the way. */
  private static void put(ObjectNode spec, String path, long value) {
    String[] steps = path.substring("spec.".length()).split("\\.");
    ObjectNode at = spec;
    for (int i = 0; i < steps.length - 1; i++) {
      String step = steps[i];
      if (step.endsWith("[0]")) {
        at = (ObjectNode) at.withArrayProperty(step.substring(0, step.length() - 3)).get(0);
      } else {
        at = at.withObjectProperty(step);
      }
    }
    at.put(steps[steps.length - 1], value);
  }

  private static Arguments cel(String name, Consumer<ObjectNode> m, String path, String message) {
    return Arguments.of(name, m, true, path, message);
  }

  private static Arguments schema(String name, Consumer<ObjectNode> m, String path) {
    return schema(name, m, path, "");
  }

  /** A schema failure at {@code path}, where the validator's message is {@code message}. */
  private static Arguments schema(
      String name, Consumer<ObjectNode> m, String path, String message) {
    return Arguments.of(name, m, false, path, message);
  }

  private static ArrayNode nodes(ObjectNode s) {
    return (ArrayNode) s.get("nodes");
  }

  private static ObjectNode node(ObjectNode s, int i) {
    return (ObjectNode) nodes(s).get(i);
  }

  private static ArrayNode groups(ObjectNode s) {
    return (ArrayNode) s.get("vipGroups");
  }

  private static ObjectNode group(ObjectNode s) {
    return (ObjectNode) groups(s).get(0);
  }

  private static ObjectNode vip(ObjectNode s) {
    return (ObjectNode) group(s).get("addresses").get(0);
  }

  private static ObjectNode hb(ObjectNode s) {
    return (ObjectNode) s.get("heartbeat");
  }

  private static CrdSchema load() {
    try {
      return new CrdSchema(CrdSchema.ROUTER_CLUSTERS);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
