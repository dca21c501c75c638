package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One virtual IP with its prefix, interface and optional alias label. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = Rules.LABEL_PREFIX, message = Rules.LABEL_PREFIX_MSG)
public class VipSpec {
  @Required
  @Size(max = Rules.MAX_IP + 4)
  @Pattern(Rules.CIDR_PATTERN)
  @JsonPropertyDescription(
      "Address and prefix length, IPv4 or IPv6: 192.168.200.10/24, fd00::10/64.")
  public String address;

  @Required
  @Size(max = 15)
  @Pattern(Rules.IFNAME_PATTERN)
  @JsonProperty("interface")
  @JsonPropertyDescription("The interface that carries the address, as enp0s3.")
  public String iface;

  @Size(max = 15)
  @Pattern(Rules.LABEL_PATTERN)
  @JsonPropertyDescription(
      "Alias label shown by `ip addr`, interface name first (heartbeat's enp0s3:0). IPv4 only.")
  public String label;

  public VipSpec() {}

  public VipSpec(String address, String iface, String label) {
    this.address = address;
    this.iface = iface;
    this.label = label;
  }
}
