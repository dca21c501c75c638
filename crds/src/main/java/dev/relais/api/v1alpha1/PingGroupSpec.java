package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * A set of ping targets that counts as one: reachable while any member answers. Members answer ICMP
 * echo, or, with {@code arpInterface}, an ARP request on that interface: an on-link gateway that
 * drops ICMP still answers ARP (heartbeat's ipfail had no such probe; operators asked for it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = Rules.ARP_PING_IPV4, message = Rules.ARP_PING_IPV4_MSG)
public class PingGroupSpec {
  @Required
  @Size(min = 1, max = Rules.MAX_NAME)
  @Pattern(Rules.NAME_PATTERN)
  @JsonPropertyDescription("Name of the group (ha.cf ping_group NAME).")
  public String name;

  @Required
  @Size(min = 1, max = Rules.MAX_TARGETS)
  @JsonPropertyDescription("Member addresses.")
  public List<@Size(max = Rules.MAX_IP) @Pattern(Rules.IP_PATTERN) String> targets;

  @Size(max = 15)
  @Pattern(Rules.IFNAME_PATTERN)
  @JsonPropertyDescription(
      "Probe the targets with ARP on this interface instead of ICMP echo (IPv4 targets on that"
          + " link only), for gateways that drop ICMP.")
  public String arpInterface;
}
