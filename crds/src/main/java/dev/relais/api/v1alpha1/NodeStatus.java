package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** One router as its agent last reported it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStatus {
  @Required
  @JsonPropertyDescription("The node.")
  public String name;

  @JsonPropertyDescription("Master, Backup, Fault, Standby or Unknown.")
  public NodeState state;

  @JsonPropertyDescription("The config generation this node's agent applied.")
  public Long configGeneration;

  @JsonPropertyDescription("Why the node is in this state (CamelCase).")
  public String reason;
}
