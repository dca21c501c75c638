package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One change of hands of a VIP group. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailoverRecord {
  @JsonPropertyDescription("When the new owner announced the VIP (RFC 3339).")
  public String time;

  @JsonPropertyDescription("The VIP group.")
  public String vipGroup;

  @JsonPropertyDescription("Previous owner, empty if none.")
  public String from;

  @JsonPropertyDescription("New owner.")
  public String to;

  @JsonPropertyDescription("Why: PeerDead, Failback, Standby, Requested, Shutdown, Fault...")
  public String reason;

  @JsonPropertyDescription("Measured time from detection to the first announcement, ms.")
  public Long durationMs;
}
