package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** One node's role in one VIP group, with the epoch that fences it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GroupRoleStatus {
  @Required
  @JsonPropertyDescription("The VIP group.")
  public String name;

  @JsonPropertyDescription("Master when this node holds the group.")
  public NodeState role;

  @JsonPropertyDescription(
      "Fencing epoch of this node's claim; a takeover claims a higher one than the old owner's.")
  public Long epoch;

  public GroupRoleStatus() {}

  public GroupRoleStatus(String name, NodeState role, Long epoch) {
    this.name = name;
    this.role = role;
    this.epoch = epoch;
  }
}
