package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Failback policy (ha.cf auto_failback). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = Rules.DELAYED_NEEDS_DELAY, message = Rules.DELAYED_NEEDS_DELAY_MSG)
public class FailbackSpec {
  @Default("Auto")
  @JsonPropertyDescription(
      "Auto: the VIP returns to its preferred node when it comes back (auto_failback on). Never:"
          + " it stays where it is (off). Delayed: it returns once the node has been stable for"
          + " delayMs.")
  public FailbackPolicy policy;

  @Min(0)
  @Max(86400000)
  @JsonPropertyDescription("For Delayed: how long the returning node must be stable, ms.")
  public Integer delayMs;

  @JsonPropertyDescription(
      "Flap damping: failback to a node that keeps losing the VIP unplanned waits until it has"
          + " calmed down. On by default.")
  public DampingSpec damping;

  public FailbackSpec() {}

  public FailbackSpec(FailbackPolicy policy, Integer delayMs) {
    this.policy = policy;
    this.delayMs = delayMs;
  }

  public FailbackSpec(FailbackPolicy policy, Integer delayMs, DampingSpec damping) {
    this(policy, delayMs);
    this.damping = damping;
  }
}
