package dev.relais.agent.protocol;

/**
 * "Your heartbeat {@code sequence} reached me, and I held it {@code heldMicros} before sending this
 * one": with its own send time of that sequence, {@code peer} measures the round trip without
 * comparing clocks (as NTP does). Echoes carry no protocol meaning; they feed the RTT metric.
 */
public record Echo(String peer, long sequence, int heldMicros) {
  public Echo {
    if (peer.isEmpty() || sequence < 0 || heldMicros < 0) {
      throw new IllegalArgumentException("an echo names a peer, a sequence and a hold time");
    }
  }
}
