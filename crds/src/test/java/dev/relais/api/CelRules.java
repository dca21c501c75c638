package dev.relais.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the CRD's {@code x-kubernetes-validations} with cel-java, the way an API server does: every
 * rule type-checked against the schema it sits on, then evaluated with {@code self} bound to the
 * object at that place. cel-java lacks Kubernetes' own CEL libraries, which our rules do not use.
 */
final class CelRules {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One rule at one place in the schema. */
  record Rule(String schemaPath, String expression, String message) {}

  /** A rule that failed on some object: where, and its message. */
  record Failure(String path, String message) {}

  /** Compiles every rule against a CEL type built from its schema node; returns compile errors. */
  static List<String> compileAll(JsonNode schema) {
    List<String> errors = new ArrayList<>();
    walkRules(
        "spec",
        schema,
        (path, node, rule) -> {
          Map<String, CelType> structs = new HashMap<>();
          CelType selfType = typeOf(path, node, structs);
          Cel cel =
              CelFactory.standardCelBuilder()
                  .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                  .setTypeProvider(provider(structs))
                  .addVar("self", selfType)
                  .setResultType(SimpleType.BOOL)
                  .build();
          try {
            cel.compile(rule.expression()).getAst();
          } catch (CelValidationException e) {
            errors.add(path + ": " + rule.expression() + ": " + e.getMessage());
          }
        });
    return errors;
  }

  /** Evaluates every rule on the (already defaulted) data; returns the failing rules' messages. */
  static List<Failure> evaluate(JsonNode schema, JsonNode data) {
    List<Failure> failures = new ArrayList<>();
    evaluate("spec", schema, data, failures);
    return failures;
  }

  private static void evaluate(String path, JsonNode schema, JsonNode data, List<Failure> out) {
    if (data == null || data.isNull()) return;
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      String expr = v.get("rule").asText();
      Cel cel =
          CelFactory.standardCelBuilder()
              .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
              .addVar("self", SimpleType.DYN)
              .build();
      try {
        CelAbstractSyntaxTree ast = cel.compile(expr).getAst();
        Object result = cel.createProgram(ast).eval(Map.of("self", toCel(data)));
        if (!Boolean.TRUE.equals(result)) out.add(new Failure(path, v.get("message").asText()));
      } catch (CelValidationException | CelEvaluationException e) {
        throw new AssertionError(
            "rule " + expr + " at " + path + " failed to run: " + e.getMessage(), e);
      }
    }
    if (data.isObject() && schema.has("properties")) {
      schema
          .get("properties")
          .properties()
          .forEach(p -> evaluate(path + "." + p.getKey(), p.getValue(), data.get(p.getKey()), out));
    } else if (data.isArray() && schema.has("items")) {
      for (int i = 0; i < data.size(); i++)
        evaluate(path + "[" + i + "]", schema.get("items"), data.get(i), out);
    }
  }

  interface RuleVisitor {
    void visit(String path, JsonNode schemaNode, Rule rule);
  }

  static void walkRules(String path, JsonNode schema, RuleVisitor visitor) {
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      visitor.visit(
          path, schema, new Rule(path, v.get("rule").asText(), v.get("message").asText()));
    }
    if (schema.has("properties")) {
      schema
          .get("properties")
          .properties()
          .forEach(p -> walkRules(path + "." + p.getKey(), p.getValue(), visitor));
    }
    if (schema.has("items")) walkRules(path + "[]", schema.get("items"), visitor);
  }

  private static CelType typeOf(String path, JsonNode schema, Map<String, CelType> structs) {
    return switch (schema.path("type").asText()) {
      case "string" -> SimpleType.STRING;
      case "integer" -> SimpleType.INT;
      case "number" -> SimpleType.DOUBLE;
      case "boolean" -> SimpleType.BOOL;
      case "array" -> ListType.create(typeOf(path + "[]", schema.get("items"), structs));
      case "object" -> {
        Map<String, CelType> fields = new LinkedHashMap<>();
        String name = "relais.schema." + path.replaceAll("[^A-Za-z0-9]", "_");
        schema
            .path("properties")
            .properties()
            .forEach(
                p ->
                    fields.put(p.getKey(), typeOf(path + "." + p.getKey(), p.getValue(), structs)));
        StructType type =
            StructType.create(
                name,
                ImmutableSet.copyOf(fields.keySet()),
                f -> Optional.ofNullable(fields.get(f)));
        structs.put(name, type);
        yield type;
      }
      default -> throw new AssertionError("schema node without type at " + path);
    };
  }

  private static CelTypeProvider provider(Map<String, CelType> structs) {
    return new CelTypeProvider() {
      @Override
      public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs.values());
      }

      @Override
      public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
      }
    };
  }

  /** JSON → the values CEL expects: maps, lists, Long for integers. */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(n -> list.add(toCel(n)));
      return list;
    }
    if (node.isIntegralNumber()) return node.asLong();
    if (node.isNumber()) return node.asDouble();
    if (node.isBoolean()) return node.asBoolean();
    return JSON.convertValue(node, String.class);
  }
}
