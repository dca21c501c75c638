package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Required;

/** One router as the operator sees it, from its own report and its peers'. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = FormatCustomizer.class, input = "lastReportTime=date-time")
public class NodeStatus {
  @Required
  @JsonPropertyDescription("The node.")
  public String name;

  @JsonPropertyDescription("Master, Backup, Fault, Standby or Unknown (no report).")
  public NodeState state;

  @JsonPropertyDescription(
      "Why the node is in this state (CamelCase): the agent's reason, or NoAgent, Unreachable.")
  public String reason;

  @JsonPropertyDescription("The config revision this node's agent runs.")
  public String configRevision;

  @JsonPropertyDescription(
      "False when a peer reports it unreachable and it has not reported since.")
  public Boolean reachable;

  @JsonPropertyDescription("When its agent last reported (RFC 3339).")
  public String lastReportTime;

  @JsonPropertyDescription("Its agent's version.")
  public String agentVersion;
}
