package dev.relais.agent.dataplane;

import java.time.Duration;

/**
 * How a VIP is announced: a burst of {@code count} rounds {@code interval} apart, then one round
 * every {@code refreshEvery} while the VIP is held ({@link Duration#ZERO}: no refresh). An IPv4
 * round is a gratuitous ARP request and reply sent back to back (Debian's send_arp sends the same
 * pair, half an interval apart: heartbeat-3.md §4.3); an IPv6 round is one unsolicited Neighbor
 * Advertisement with the override flag (RFC 4861 §7.2.6).
 */
public record Announcement(int count, Duration interval, Duration refreshEvery, ArpForms forms) {
  /**
   * IPaddr2's defaults (5 rounds, 200 ms) and a refresh well below the usual 300 s switch ageing.
   */
  public static final Announcement DEFAULT =
      new Announcement(
          5, Duration.ofMillis(200), Duration.ofSeconds(60), ArpForms.REQUEST_AND_REPLY);

  /** Which gratuitous ARP forms an IPv4 round sends; some hosts honour only one of them. */
  public enum ArpForms {
    REQUEST_AND_REPLY,
    REQUEST_ONLY,
    REPLY_ONLY
  }

  public Announcement {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    if (interval.isNegative() || refreshEvery.isNegative()) {
      throw new IllegalArgumentException("interval and refresh must not be negative");
    }
    if (!refreshEvery.isZero() && refreshEvery.toMillis() < 100) {
      throw new IllegalArgumentException("refresh below 100 ms floods the LAN: " + refreshEvery);
    }
    if (forms == null) {
      throw new IllegalArgumentException("forms must be given");
    }
  }

  /** A burst without refresh, both ARP forms. */
  public static Announcement burst(int count, Duration interval) {
    return new Announcement(count, interval, Duration.ZERO, ArpForms.REQUEST_AND_REPLY);
  }

  public Announcement withForms(ArpForms newForms) {
    return new Announcement(count, interval, refreshEvery, newForms);
  }

  public Announcement withRefresh(Duration every) {
    return new Announcement(count, interval, every, forms);
  }
}
