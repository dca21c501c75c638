package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Flap damping of failback: a node that keeps losing its VIP unplanned (it died, restarted or
 * failed health while holding it) gets it back only once it has calmed down. Planned moves are
 * never counted and never held (docs/design/protocol.md, "Flap damping").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DampingSpec {
  public static final boolean DEFAULT_ENABLED = true;
  public static final int DEFAULT_MOVES = 3;

  /** The window's default is this many deadTimes: see {@code docs/design/protocol.md}. */
  public static final int DEFAULT_WINDOW_DEADTIMES = 4;

  @Default("true")
  @JsonPropertyDescription(
      "false turns flap damping off: the VIP goes back to its preferred node every time, as"
          + " heartbeat's auto_failback on and keepalived's preempt do.")
  public Boolean enabled;

  @Default("3")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription(
      "Unplanned losses of the VIP by one node (it died, restarted or failed health while holding"
          + " it) within windowMs after which failback to that node is held until the oldest of"
          + " them leaves the window. Standby, shutdown handoffs and requested moves never count.")
  public Integer moves;

  @Min(1)
  @Max(86400000)
  @JsonPropertyDescription("The damping window, ms. Default 4 x heartbeat.deadTimeMs.")
  public Integer windowMs;

  public DampingSpec() {}

  public DampingSpec(Boolean enabled, Integer moves, Integer windowMs) {
    this.enabled = enabled;
    this.moves = moves;
    this.windowMs = windowMs;
  }
}
