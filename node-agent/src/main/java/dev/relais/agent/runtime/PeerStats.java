package dev.relais.agent.runtime;

import dev.relais.agent.protocol.Echo;
import dev.relais.agent.protocol.Heartbeat;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Round-trip times and missed heartbeats per peer, for the metrics only (the protocol judges
 * liveness by time, not by counting). Confined to the event loop.
 *
 * <p>Round trip: our send time of a sequence, minus how long the peer says it held it, subtracted
 * from the time its echo arrives. Missed: a sender numbers every datagram and sends all its paths
 * together, so on one path consecutive heartbeats are {@code paths} apart; a larger step is that
 * many heartbeats lost (or, rarely, reordered past the next one).
 */
final class PeerStats {
  private static final int REMEMBERED = 256; // sent sequences kept for echoes: a power of two

  private final long[] sentSequence = new long[REMEMBERED];
  private final long[] sentAtNanos = new long[REMEMBERED];
  private final Map<String, Peer> peers = new HashMap<>();

  private static final class Peer {
    long bootEpoch = -1;
    final long[] lastByPath = new long[256];
  }

  PeerStats() {
    Arrays.fill(sentSequence, -1);
  }

  void sent(long sequence, long nowNanos) {
    int i = (int) (sequence & (REMEMBERED - 1));
    sentSequence[i] = sequence;
    sentAtNanos[i] = nowNanos;
  }

  /** The round trip the echo measures, in nanoseconds, or -1 if we no longer know that sequence. */
  long roundTripNanos(Echo echo, long nowNanos) {
    int i = (int) (echo.sequence() & (REMEMBERED - 1));
    if (sentSequence[i] != echo.sequence()) {
      return -1;
    }
    long rtt = nowNanos - sentAtNanos[i] - echo.heldMicros() * 1_000L;
    return rtt >= 0 ? rtt : -1;
  }

  /** How many of the sender's heartbeats on this path never arrived before {@code hb}. */
  long missedBefore(Heartbeat hb, int senderPaths) {
    var peer = peers.computeIfAbsent(hb.sender(), name -> new Peer());
    if (hb.bootEpoch() != peer.bootEpoch) {
      peer.bootEpoch = hb.bootEpoch();
      Arrays.fill(peer.lastByPath, -1);
    }
    long last = peer.lastByPath[hb.path()];
    if (hb.sequence() <= last) {
      return 0; // reordered: counted when the later one came
    }
    peer.lastByPath[hb.path()] = hb.sequence();
    if (last < 0) {
      return 0;
    }
    return Math.max(0, (hb.sequence() - last) / Math.max(1, senderPaths) - 1);
  }
}
