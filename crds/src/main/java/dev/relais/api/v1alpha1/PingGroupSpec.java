package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** A set of ping targets that counts as one: reachable while any member answers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
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
}
