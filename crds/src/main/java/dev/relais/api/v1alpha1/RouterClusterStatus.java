package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator observed, aggregated from the agents' RouterNodeStates. Nothing here changes on
 * every heartbeat, so status is patched only when something happened.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(
    value = ListMapCustomizer.class,
    input = "conditions=type;nodes=name;vipGroups=name")
public class RouterClusterStatus {
  @JsonPropertyDescription("The metadata.generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("Summary of the first VIP group's addresses, for kubectl get.")
  public String vip;

  @JsonPropertyDescription("The node holding the first VIP group, for kubectl get.")
  public String activeNode;

  @JsonPropertyDescription(
      "The config revision agents should run (relais.dev/config-revision of the rendered"
          + " Secret); nodes on another one are listed in the Degraded condition.")
  public String configRevision;

  @JsonPropertyDescription("Per VIP group, who holds it.")
  public List<VipGroupStatus> vipGroups = new ArrayList<>();

  @JsonPropertyDescription("Per node, its state and the config generation it applied.")
  public List<NodeStatus> nodes = new ArrayList<>();

  @JsonPropertyDescription(
      "Ready (every VIP group has exactly one owner and every reachable node runs the current"
          + " revision), Degraded, SplitBrain, ConfigInvalid, Conflict, and kstatus' Reconciling"
          + " and Stalled.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The last time a VIP group changed hands.")
  public FailoverRecord lastFailover;
}
