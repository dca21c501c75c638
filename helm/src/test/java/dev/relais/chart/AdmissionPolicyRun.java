package dev.relais.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a rendered ValidatingAdmissionPolicy as the API server does, on cel-java: matchConditions
 * first (any false: the policy does not apply), then the variables in order, then each validation;
 * an expression that fails to evaluate denies (failurePolicy Fail). The expressions come from the
 * chart as helm renders it, never from a copy. cel-java lacks Kubernetes' own CEL libraries
 * (quantity, url, authorizer...), which the policy does not use.
 */
final class AdmissionPolicyRun {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> INPUTS =
      List.of("object", "oldObject", "request", "params", "namespaceObject", "variables");

  /** What the policy decided. */
  record Decision(boolean applies, Optional<String> denial) {
    boolean allowed() {
      return denial.isEmpty();
    }
  }

  private final JsonNode spec;
  private final Cel cel;

  AdmissionPolicyRun(JsonNode policy) {
    this.spec = policy.path("spec");
    var builder =
        CelFactory.standardCelBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS);
    INPUTS.forEach(name -> builder.addVar(name, SimpleType.DYN));
    this.cel = builder.build();
  }

  /** Every expression of the policy, for a compile check. */
  List<String> expressions() {
    List<String> out = new ArrayList<>();
    spec.path("matchConditions").forEach(c -> out.add(c.path("expression").asText()));
    spec.path("variables").forEach(v -> out.add(v.path("expression").asText()));
    for (JsonNode v : spec.path("validations")) {
      out.add(v.path("expression").asText());
      if (v.has("messageExpression")) out.add(v.path("messageExpression").asText());
    }
    return out;
  }

  void compile(String expression) throws CelValidationException {
    cel.compile(expression).getAst();
  }

  /** Decides one request; object and oldObject may be null, as for CREATE and DELETE. */
  Decision decide(Map<String, Object> request, JsonNode object, JsonNode oldObject) {
    Map<String, Object> input = new HashMap<>();
    // Through JSON, as the API server converts the AdmissionRequest: maps, lists and strings.
    input.put("request", toCel(JSON.valueToTree(request)));
    input.put(
        "object", object == null ? dev.cel.common.values.NullValue.NULL_VALUE : toCel(object));
    input.put(
        "oldObject",
        oldObject == null ? dev.cel.common.values.NullValue.NULL_VALUE : toCel(oldObject));
    input.put("params", dev.cel.common.values.NullValue.NULL_VALUE);
    input.put("namespaceObject", dev.cel.common.values.NullValue.NULL_VALUE);
    Map<String, Object> variables = new LinkedHashMap<>();
    input.put("variables", variables);
    try {
      for (JsonNode c : spec.path("matchConditions")) {
        if (!Boolean.TRUE.equals(eval(c.path("expression").asText(), input))) {
          return new Decision(false, Optional.empty());
        }
      }
      for (JsonNode v : spec.path("variables")) {
        variables.put(v.path("name").asText(), eval(v.path("expression").asText(), input));
      }
      for (JsonNode v : spec.path("validations")) {
        if (!Boolean.TRUE.equals(eval(v.path("expression").asText(), input))) {
          String message = v.path("message").asText();
          if (v.has("messageExpression")) {
            message = (String) eval(v.path("messageExpression").asText(), input);
          }
          return new Decision(true, Optional.of(message));
        }
      }
      return new Decision(true, Optional.empty());
    } catch (CelEvaluationException e) {
      return new Decision(
          true, Optional.of("evaluation failed (failurePolicy Fail): " + e.getMessage()));
    }
  }

  private Object eval(String expression, Map<String, Object> input) throws CelEvaluationException {
    try {
      return cel.createProgram(cel.compile(expression).getAst()).eval(input);
    } catch (CelValidationException e) {
      throw new AssertionError("does not compile: " + expression, e);
    }
  }

  /** JSON → the values CEL sees: maps, lists, Long for integers. */
  static Object toCel(JsonNode node) {
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
    if (node.isNull()) return dev.cel.common.values.NullValue.NULL_VALUE;
    return JSON.convertValue(node, String.class);
  }
}
