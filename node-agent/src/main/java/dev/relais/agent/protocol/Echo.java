package dev.relais.agent.protocol;

/**
 * "Your heartbeat {@code sequence} of the boot tagged {@code bootTag} reached me, and I held it
 * {@code heldMicros} before sending this one": with its own send time of that sequence, {@code
 * peer} measures the round trip without comparing clocks (as NTP does), and, since wire version 3,
 * learns that this heartbeat was sent after it booted: {@code bootTag} is the low 32 bits of the
 * echoed heartbeat's boot epoch (0 in version 2, which has no such field). A peer counts as alive
 * only once it has echoed the current boot (see {@link Membership}).
 */
public record Echo(String peer, long sequence, int heldMicros, int bootTag) {
  public Echo {
    if (peer.isEmpty() || sequence < 0 || heldMicros < 0) {
      throw new IllegalArgumentException("an echo names a peer, a sequence and a hold time");
    }
  }

  /** An echo without a boot tag (wire version 2, the RTT metric's tests). */
  public Echo(String peer, long sequence, int heldMicros) {
    this(peer, sequence, heldMicros, 0);
  }

  /** The boot tag of {@code bootEpoch}: its low 32 bits. */
  public static int tagOf(long bootEpoch) {
    return (int) bootEpoch;
  }
}
