package dev.relais.model;

import java.time.Duration;

/** Gratuitous ARP / unsolicited NA: burst on takeover, then a periodic refresh (zero: off). */
public record Announce(int count, Duration interval, Duration refresh) {}
