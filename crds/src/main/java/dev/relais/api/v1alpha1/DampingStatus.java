package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;

/** Flap damping in force: ownership changes held back until a time. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = FormatCustomizer.class, input = "until=date-time")
public class DampingStatus {
  @JsonPropertyDescription("Until when moves are held back (RFC 3339).")
  public String until;

  @JsonPropertyDescription("Owner changes counted in the damping window.")
  public Integer ownerChanges;

  @JsonPropertyDescription("Why (CamelCase).")
  public String reason;
}
