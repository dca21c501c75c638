package dev.relais.agent.protocol;

/**
 * Anti-replay state for one sender: its latest boot epoch and a 64-datagram sliding window of
 * sequence numbers (the IPsec scheme of RFC 4303 §3.4.3). A later boot epoch resets the window; an
 * earlier one is a replay. Sequences are per datagram across paths, so 64 covers any reordering
 * between a node's paths within a few keepalives.
 */
final class ReplayWindow {
  static final int SIZE = 64;

  private long bootEpoch = -1;
  private long highest = -1;
  private long seen;

  boolean isFresh(long epoch, long sequence) {
    if (epoch != bootEpoch) {
      return epoch > bootEpoch;
    }
    if (sequence > highest) {
      return true;
    }
    long age = highest - sequence;
    return age < SIZE && (seen & (1L << age)) == 0;
  }

  /** Call only after {@link #isFresh} said yes and the datagram was accepted. */
  void record(long epoch, long sequence) {
    if (epoch != bootEpoch) {
      bootEpoch = epoch;
      highest = sequence;
      seen = 1;
    } else if (sequence > highest) {
      long shift = sequence - highest;
      seen = shift >= SIZE ? 1 : (seen << shift) | 1;
      highest = sequence;
    } else {
      seen |= 1L << (highest - sequence);
    }
  }
}
