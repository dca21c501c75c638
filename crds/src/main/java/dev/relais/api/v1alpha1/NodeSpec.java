package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** One router (heartbeat's `node` directive). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeSpec {
  @Required
  @Size(min = 1, max = Rules.MAX_NAME)
  @Pattern(Rules.NAME_PATTERN)
  @JsonPropertyDescription("The Kubernetes node name of the router (heartbeat's `uname -n`).")
  public String name;

  @Min(1)
  @Max(255)
  @JsonPropertyDescription(
      "Election priority, 1-255, higher wins where no group preference decides. Default 100.")
  public Integer priority;

  @Size(max = Rules.MAX_ADDRESSES_PER_NODE)
  @JsonPropertyDescription(
      "Heartbeat addresses of this node, one per path (heartbeat's `ucast` peers). Required for"
          + " the Unicast transport.")
  public List<@Size(max = Rules.MAX_IP) @Pattern(Rules.IP_PATTERN) String> addresses;

  public NodeSpec() {}

  public NodeSpec(String name, Integer priority, List<String> addresses) {
    this.name = name;
    this.priority = priority;
    this.addresses = addresses;
  }
}
