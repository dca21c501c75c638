package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Heartbeat timing in milliseconds, with ha.cf's names, and the transport. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = Rules.DEADTIME_OVER_KEEPALIVE, message = Rules.DEADTIME_OVER_KEEPALIVE_MSG)
@ValidationRule(value = Rules.WARNTIME_BETWEEN, message = Rules.WARNTIME_BETWEEN_MSG)
@ValidationRule(
    value = Rules.INITDEAD_AT_LEAST_DEADTIME,
    message = Rules.INITDEAD_AT_LEAST_DEADTIME_MSG)
@ValidationRule(value = Rules.MEDIA_NEED_INTERFACES, message = Rules.MEDIA_NEED_INTERFACES_MSG)
@ValidationRule(value = Rules.MULTICAST_NEEDS_GROUP, message = Rules.MULTICAST_NEEDS_GROUP_MSG)
public class HeartbeatSpec {
  public static final int DEFAULT_KEEPALIVE_MS = 1000;
  public static final int DEFAULT_DEADTIME_MS = 5000;
  public static final int DEFAULT_PORT = 694;

  @Default("1000")
  @Min(1)
  @Max(60000)
  @JsonPropertyDescription("Interval between heartbeats, ms (ha.cf keepalive).")
  public Integer keepaliveMs;

  @Min(1)
  @Max(600000)
  @JsonPropertyDescription(
      "A peer silent this long is reported late, ms (ha.cf warntime). Default deadTimeMs / 2.")
  public Integer warnTimeMs;

  @Default("5000")
  @Min(3)
  @Max(600000)
  @JsonPropertyDescription(
      "A peer silent this long is dead and its VIPs are taken over, ms (ha.cf deadtime). More"
          + " than twice keepaliveMs.")
  public Integer deadTimeMs;

  @Min(3)
  @Max(3600000)
  @JsonPropertyDescription(
      "At start, how long a node waits to hear the cluster before acting alone, ms (ha.cf"
          + " initdead). Default twice deadTimeMs.")
  public Integer initDeadMs;

  @Default("694")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("UDP port (ha.cf udpport).")
  public Integer port;

  @Default("Unicast")
  @JsonPropertyDescription(
      "Unicast to every node address (ucast), Broadcast (bcast) or Multicast (mcast) on the"
          + " interfaces.")
  public Transport transport;

  @Size(max = 8)
  @JsonPropertyDescription("Interfaces for Broadcast and Multicast (ha.cf bcast / mcast IF).")
  public List<@Size(max = 15) @Pattern(Rules.IFNAME_PATTERN) String> interfaces;

  @Size(max = Rules.MAX_IP)
  @Pattern(Rules.IP_PATTERN)
  @JsonPropertyDescription("Multicast group address (ha.cf mcast GROUP).")
  public String multicastGroup;

  @Min(1)
  @Max(255)
  @JsonPropertyDescription("Multicast TTL (ha.cf mcast TTL). Default 1.")
  public Integer multicastTtl;
}
