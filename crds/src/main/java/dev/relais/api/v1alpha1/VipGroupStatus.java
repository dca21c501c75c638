package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Who holds one VIP group. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VipGroupStatus {
  @Required
  @JsonPropertyDescription("The VIP group.")
  public String name;

  @JsonPropertyDescription("The node that holds the group, empty when nobody does.")
  public String activeNode;

  @JsonPropertyDescription("Fencing epoch of the current ownership.")
  public Long epoch;
}
