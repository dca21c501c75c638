package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import java.util.ArrayList;
import java.util.List;

/** The agent's latest view; written with coalescing, only when it changes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = ListMapCustomizer.class, input = "vipGroups=name")
public class RouterNodeStateStatus {
  @JsonPropertyDescription("This node's state.")
  public NodeState state;

  @JsonPropertyDescription("Why (CamelCase).")
  public String reason;

  @JsonPropertyDescription("The config generation the agent applied.")
  public Long configGeneration;

  @JsonPropertyDescription("VIP groups as this node sees them.")
  public List<VipGroupStatus> vipGroups = new ArrayList<>();

  @JsonPropertyDescription("The last takeover this node performed.")
  public FailoverRecord lastTakeover;
}
