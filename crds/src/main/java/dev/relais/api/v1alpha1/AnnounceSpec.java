package dev.relais.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Gratuitous ARP (IPv4) and unsolicited NA (IPv6) after a takeover, and their refresh. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AnnounceSpec {
  public static final int DEFAULT_COUNT = 5;
  public static final int DEFAULT_INTERVAL_MS = 200;
  public static final int DEFAULT_REFRESH_SECONDS = 60;

  @Default("5")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Announcements sent on takeover (IPaddr2's arp_count: 5).")
  public Integer count;

  @Default("200")
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Interval between takeover announcements, ms (IPaddr2: 200).")
  public Integer intervalMs;

  @Default("60")
  @Min(0)
  @Max(3600)
  @JsonPropertyDescription(
      "Re-announce this often while holding the VIP, seconds, below typical switch ageing"
          + " (300 s). 0 turns it off.")
  public Integer refreshSeconds;
}
