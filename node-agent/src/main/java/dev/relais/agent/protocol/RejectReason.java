package dev.relais.agent.protocol;

/** Why a datagram was dropped; the runtime counts each and logs it at DEBUG. */
public enum RejectReason {
  /** Shorter than the fixed framing plus a MAC, or a length field points past the end. */
  TRUNCATED,
  /**
   * Longer than the largest heartbeat any valid config produces ({@link
   * HeartbeatCodec#MAX_DATAGRAM_BYTES}): read into a buffer one byte longer, so a cut datagram is
   * counted as such and not as a bad MAC.
   */
  OVERSIZED,
  /** Framed as version 3 (its first byte) but without its magic: not a Relais heartbeat. */
  BAD_MAGIC,
  /**
   * A wire version this build does not speak (a newer node also speaks ours: see the codec), or a
   * first byte that is no version at all.
   */
  BAD_VERSION,
  /** Signed with a key id that is not in the ring. */
  UNKNOWN_KEY,
  /** The HMAC does not match: forged, corrupted, or signed with another key. */
  BAD_MAC,
  /** Authentic but structurally invalid (a sender bug): bad codes or trailing bytes. */
  MALFORMED,
  /**
   * Authentic, its groups as indices into a group table this node does not have (never ran, or no
   * longer keeps): dropped rather than guessed. A sender uses indices only into a table every peer
   * advertised, so this means a peer restarted with other groups and was not heard yet.
   */
  UNKNOWN_GROUP_TABLE,
  /** Authentic but for another cluster sharing the key. */
  FOREIGN_CLUSTER,
  /** Authentic but from a node this config does not list. */
  UNKNOWN_NODE,
  /** Our own datagram, looped back. */
  OWN_MESSAGE,
  /** Seen before, older than the replay window, or from an earlier boot of its sender. */
  REPLAY
}
