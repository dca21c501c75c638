package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Which cluster and node this state belongs to; set once by the agent and never changed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouterNodeStateSpec {
  /** namespace/name: a namespace is a DNS label, a RouterCluster name a DNS subdomain. */
  public static final String CLUSTER_PATTERN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";

  public static final String IMMUTABLE = "self == oldSelf";

  @Required
  @Size(min = 3, max = 63 + 1 + 253)
  @Pattern(CLUSTER_PATTERN)
  @ValidationRule(value = IMMUTABLE, message = "spec.cluster is immutable")
  @JsonPropertyDescription("namespace/name of the RouterCluster this state reports on.")
  public String cluster;

  @Required
  @Size(min = 1, max = Rules.MAX_NAME)
  @Pattern(Rules.NAME_PATTERN)
  @ValidationRule(value = IMMUTABLE, message = "spec.node is immutable")
  @JsonPropertyDescription(
      "The node whose agent writes this object (an admission policy compares it with the node"
          + " the writer's pod runs on).")
  public String node;

  public RouterNodeStateSpec() {}

  public RouterNodeStateSpec(String cluster, String node) {
    this.cluster = cluster;
    this.node = node;
  }
}
