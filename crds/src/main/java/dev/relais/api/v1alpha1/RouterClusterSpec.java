package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** What the user declares: heartbeat's ha.cf, authkeys reference and haresources in one object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = Rules.NODES_MIN_TWO, message = Rules.NODES_MIN_TWO_MSG)
@ValidationRule(value = Rules.NODES_UNIQUE, message = Rules.NODES_UNIQUE_MSG)
@ValidationRule(value = Rules.GROUPS_UNIQUE, message = Rules.GROUPS_UNIQUE_MSG)
@ValidationRule(value = Rules.PREFERRED_EXISTS, message = Rules.PREFERRED_EXISTS_MSG)
@ValidationRule(value = Rules.REQUESTED_EXISTS, message = Rules.REQUESTED_EXISTS_MSG)
@ValidationRule(value = Rules.STANDBY_EXISTS, message = Rules.STANDBY_EXISTS_MSG)
@ValidationRule(value = Rules.UNICAST_ADDRESSES, message = Rules.UNICAST_ADDRESSES_MSG)
@SchemaCustomizer(value = ListMapCustomizer.class, input = "nodes=name;vipGroups=name")
public class RouterClusterSpec {
  public static final int DEFAULT_ADDRESS_LIFETIME_SECONDS = 10;

  @Required
  @Size(min = 1, max = Rules.MAX_NODES)
  @JsonPropertyDescription(
      "The routers of the cluster (heartbeat's `node` lines). At least two; the order does not"
          + " matter, priority does.")
  public List<NodeSpec> nodes = new ArrayList<>();

  @Required
  @Size(min = 1, max = Rules.MAX_GROUPS)
  @JsonPropertyDescription(
      "Groups of virtual IPs that move together, one per haresources line, each with its own"
          + " preferred node (one group preferring each router is an active/active pair).")
  public List<VipGroupSpec> vipGroups = new ArrayList<>();

  @Required
  @JsonPropertyDescription(
      "The Secret that holds the heartbeat keys (heartbeat's authkeys), and which key signs.")
  public AuthSecretRef authSecretRef;

  @JsonPropertyDescription("Heartbeat timing and transport (ha.cf keepalive, deadtime, bcast...).")
  public HeartbeatSpec heartbeat;

  @JsonPropertyDescription("What happens when the preferred node comes back (ha.cf auto_failback).")
  public FailbackSpec failback;

  @JsonPropertyDescription(
      "Health tracking: links that must be up and ping targets that must answer (ping,"
          + " ping_group, ipfail).")
  public HealthSpec health;

  @Size(max = Rules.MAX_NODES)
  @JsonPropertyDescription(
      "Nodes in standby (maintenance): they hand their VIPs over and take none (hb_standby).")
  public List<@Size(max = Rules.MAX_NAME) @Pattern(Rules.NAME_PATTERN) String> standby;

  @JsonPropertyDescription("Gratuitous ARP / unsolicited NA announcements on takeover.")
  public AnnounceSpec announce;

  @JsonPropertyDescription(
      "Self-fencing: the VIP is installed with this valid lifetime and renewed while the agent"
          + " holds it, so a dead agent cannot keep it longer. 0 installs it permanently.")
  @io.fabric8.generator.annotation.Default("10")
  @io.fabric8.generator.annotation.Min(0)
  @io.fabric8.generator.annotation.Max(3600)
  public Integer addressLifetimeSeconds;
}
