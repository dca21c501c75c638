package dev.relais.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.Rules;
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
 * One table of specs, judged twice: by the Java validator, and as a real API server would (schema
 * defaults, OpenAPI constraints, then the CRD's CEL rules in cel-java). Both must agree, message
 * for message.
 */
class ValidationAgreementTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CrdSchema CRD = load();

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
            "spec.vipGroups[0].addresses"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void badSpecFailsBothWithTheExpectedMessage(
      String name, Consumer<ObjectNode> mutate, boolean isCel, String path, String message)
      throws IOException {
    ObjectNode spec = tutorialSpec();
    mutate.accept(spec);
    List<Violation> java =
        RouterClusterValidator.validate(JSON.treeToValue(spec, RouterClusterSpec.class));
    ApiServerVerdict server = apiServer(spec);
    if (isCel) {
      assertThat(java).contains(new Violation(path, message));
      assertThat(server.schema()).isEmpty();
      assertThat(server.cel()).contains(new CelRules.Failure(path, message));
      assertThat(celMessagesOf(java)).isEqualTo(new HashSet<>(server.cel()));
    } else {
      assertThat(java).extracting(Violation::path).contains(path);
      assertThat(server.schema()).anyMatch(f -> f.startsWith(path + ": "));
    }
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
      assertThat(RouterClusterValidator.validate(JSON.treeToValue(spec, RouterClusterSpec.class)))
          .isEmpty();
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

  private static ApiServerVerdict apiServer(ObjectNode userSpec) {
    ObjectNode spec = userSpec.deepCopy();
    CrdSchema.applyDefaults(CRD.specSchema(), spec);
    List<String> schema = CrdSchema.check("spec", CRD.specSchema(), spec);
    return new ApiServerVerdict(
        schema, schema.isEmpty() ? CelRules.evaluate(CRD.specSchema(), spec) : List.of());
  }

  private static Set<CelRules.Failure> celMessagesOf(List<Violation> violations)
      throws IllegalStateException {
    Set<String> celMessages = new HashSet<>();
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

  private static Arguments cel(String name, Consumer<ObjectNode> m, String path, String message) {
    return Arguments.of(name, m, true, path, message);
  }

  private static Arguments schema(String name, Consumer<ObjectNode> m, String path) {
    return Arguments.of(name, m, false, path, "");
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
