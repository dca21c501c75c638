package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Virtual IPs that move together (one haresources line). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VipGroupSpec {
  @Required
  @Size(min = 1, max = Rules.MAX_NAME)
  @Pattern(Rules.NAME_PATTERN)
  @JsonPropertyDescription("Name of the group, unique in the cluster.")
  public String name;

  @Required
  @Size(min = 1, max = Rules.MAX_NAME)
  @Pattern(Rules.NAME_PATTERN)
  @JsonPropertyDescription(
      "The node that holds this group when it is healthy (the first word of a haresources line).")
  public String preferredNode;

  @Size(max = Rules.MAX_NAME)
  @Pattern(Rules.NAME_PATTERN)
  @JsonPropertyDescription(
      "Move the group to this node on purpose (make-before-break, no packet lost). Remove the"
          + " field to let preference and failback policy decide again.")
  public String requestedNode;

  @Required
  @Size(min = 1, max = Rules.MAX_VIPS_PER_GROUP)
  @JsonPropertyDescription("The virtual IPs of the group (IPaddr / IPaddr2 resources).")
  public List<VipSpec> addresses = new ArrayList<>();

  public VipGroupSpec() {}

  public VipGroupSpec(String name, String preferredNode, List<VipSpec> addresses) {
    this.name = name;
    this.preferredNode = preferredNode;
    this.addresses = addresses;
  }
}
