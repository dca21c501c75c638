package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Which cluster and node this state belongs to; set once by the agent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouterNodeStateSpec {
  @Required
  @JsonPropertyDescription("Namespace/name of the RouterCluster.")
  public String cluster;

  @Required
  @JsonPropertyDescription("The node whose agent writes this object.")
  public String node;
}
