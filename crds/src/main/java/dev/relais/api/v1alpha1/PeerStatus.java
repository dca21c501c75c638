package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Required;

/** Another node as one agent hears it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = FormatCustomizer.class, input = "since=date-time")
public class PeerStatus {
  @Required
  @JsonPropertyDescription("The peer node.")
  public String name;

  @Required
  @JsonPropertyDescription("Whether its heartbeats arrive.")
  public Boolean reachable;

  @JsonPropertyDescription(
      "Since when (RFC 3339): for an unreachable peer, when its last heartbeat was heard.")
  public String since;

  public PeerStatus() {}

  public PeerStatus(String name, Boolean reachable, String since) {
    this.name = name;
    this.reachable = reachable;
    this.since = since;
  }
}
