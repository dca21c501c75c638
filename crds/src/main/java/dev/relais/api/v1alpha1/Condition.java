package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * A Kubernetes-convention condition. Our own type (not fabric8's) so that {@code type} is required
 * and the list can be a list-map keyed by it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {
  @Required
  @JsonPropertyDescription("Ready, Degraded, SplitBrain or ConfigInvalid.")
  public String type;

  @Required
  @JsonPropertyDescription("True, False or Unknown.")
  public String status;

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
      String status,
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
}
