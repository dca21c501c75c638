package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Health tracking: a node whose tracked link is down or that reaches no ping target is Fault. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HealthSpec {
  @Size(max = 8)
  @JsonPropertyDescription("Interfaces whose link must be up.")
  public List<@Size(max = 15) @Pattern(Rules.IFNAME_PATTERN) String> interfaces;

  @Size(max = Rules.MAX_TARGETS)
  @JsonPropertyDescription("Ping targets, each counted alone (ha.cf ping).")
  public List<@Size(max = Rules.MAX_IP) @Pattern(Rules.IP_PATTERN) String> pingTargets;

  @Size(max = Rules.MAX_TARGETS)
  @JsonPropertyDescription(
      "Ping groups: a group counts as reachable while any member answers (ha.cf ping_group).")
  public List<PingGroupSpec> pingGroups;
}
