package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's latest view of one cluster, written only when it changes (never per heartbeat). The
 * operator aggregates these without guessing: every claim carries its epoch, every peer verdict its
 * time, and the report its own time, which the supersede rule compares.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = ListMapCustomizer.class, input = "vipGroups=name;peers=name")
@SchemaCustomizer(
    value = FormatCustomizer.class,
    input = "reportTime=date-time;configRevision=revision")
public class RouterNodeStateStatus {
  @JsonPropertyDescription("When the agent wrote this report (RFC 3339).")
  public String reportTime;

  @JsonPropertyDescription("This node's overall state: Master if it holds any group.")
  public NodeState state;

  @JsonPropertyDescription("Why (CamelCase), as PeerDead, Standby, LinkDown.")
  public String reason;

  @JsonPropertyDescription("The agent's version.")
  public String agentVersion;

  @JsonPropertyDescription(
      "The agent config document versions (apiVersion/kind) this agent can run.")
  public List<String> acceptedConfigVersions;

  @JsonPropertyDescription(
      "The config revision (relais.dev/config-revision of the rendered Secret) the agent runs.")
  public String configRevision;

  @JsonPropertyDescription("Why the agent runs no or an older revision, when it refused one.")
  public String configError;

  @JsonPropertyDescription("Per VIP group, the role this node has and its fencing epoch.")
  public List<GroupRoleStatus> vipGroups = new ArrayList<>();

  @JsonPropertyDescription("The other nodes as this node hears them.")
  public List<PeerStatus> peers = new ArrayList<>();

  @JsonPropertyDescription("The last takeover this node performed.")
  public FailoverRecord lastTakeover;

  @JsonPropertyDescription("Another host answering for a VIP this node holds, if one was seen.")
  public DuplicateOwnerStatus duplicateOwner;

  @JsonPropertyDescription("Flap damping holding ownership changes back, if it is in force.")
  public DampingStatus damping;
}
