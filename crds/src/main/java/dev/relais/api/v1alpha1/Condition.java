package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/**
 * A Kubernetes-convention condition. Our own type (not fabric8's) so that {@code type} is required
 * and the list can be a list-map keyed by it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = FormatCustomizer.class, input = "lastTransitionTime=date-time")
public class Condition {
  @Required
  @JsonPropertyDescription(
      "Ready, Degraded, SplitBrain, ConfigInvalid, Conflict, Reconciling or Stalled.")
  public String type;

  @Required
  @JsonPropertyDescription("True, False or Unknown.")
  public ConditionStatus status;

  @JsonPropertyDescription("CamelCase reason, as MasterElected or ConfigInvalid.")
  public String reason;

  @JsonPropertyDescription("Human-readable detail.")
  public String message;

  @JsonPropertyDescription("When status last changed (RFC 3339).")
  public String lastTransitionTime;

  @JsonPropertyDescription("The metadata.generation this condition was computed from.")
  public Long observedGeneration;

  public Condition() {}

  public Condition(
      String type,
      ConditionStatus status,
      String reason,
      String message,
      String lastTransitionTime,
      Long observedGeneration) {
    this.type = type;
    this.status = status;
    this.reason = reason;
    this.message = message;
    this.lastTransitionTime = lastTransitionTime;
    this.observedGeneration = observedGeneration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Condition c
        && Objects.equals(type, c.type)
        && status == c.status
        && Objects.equals(reason, c.reason)
        && Objects.equals(message, c.message)
        && Objects.equals(lastTransitionTime, c.lastTransitionTime)
        && Objects.equals(observedGeneration, c.observedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, status, reason, message, lastTransitionTime, observedGeneration);
  }

  @Override
  public String toString() {
    return type + "=" + status + " (" + reason + ": " + message + ")";
  }
}
