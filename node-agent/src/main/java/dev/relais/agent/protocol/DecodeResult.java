package dev.relais.agent.protocol;

/** The outcome of decoding one datagram; decoding never throws on bad input. */
public sealed interface DecodeResult {
  /** An authentic, fresh heartbeat, verified with key {@code keyId}. */
  record Accepted(Heartbeat heartbeat, int keyId) implements DecodeResult {}

  /** A dropped datagram. One pre-built instance per reason, so a rejection allocates nothing. */
  record Rejected(RejectReason reason) implements DecodeResult {
    private static final Rejected[] BY_REASON = build();

    private static Rejected[] build() {
      var all = RejectReason.values();
      var out = new Rejected[all.length];
      for (int i = 0; i < all.length; i++) {
        out[i] = new Rejected(all[i]);
      }
      return out;
    }

    public static Rejected of(RejectReason reason) {
      return BY_REASON[reason.ordinal()];
    }
  }
}
