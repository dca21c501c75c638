package dev.relais.model;

import dev.relais.api.v1alpha1.Rules;
import java.util.Optional;

/**
 * The largest heartbeat a cluster of so many nodes and groups can send, in the agent's wire format
 * (version 4, docs/design/protocol.md "Size budget"), and the budget it must stay within. Names
 * travel as 32-bit ids, so only the counts matter. The node agent's codec holds the same formula; a
 * test there holds both to the encoder's real length.
 */
public final class HeartbeatSize {
  /**
   * The UDP payload that IPv6's minimum MTU leaves (1,280 less 40 for IPv6 and 8 for UDP, RFC 8200
   * §5): a heartbeat this size crosses any path unfragmented.
   */
  public static final int BUDGET_BYTES = 1232;

  // Version and key id, cluster tag, sender, fixed fields, the two counts and the 16-byte MAC.
  static final int FIXED_BYTES = 59;
  // A group held with an offer out and a confirmation still repeated, groups as 4-byte ids (the
  // larger form, which a sender falls back to): 11 + 11 + 5.
  static final int GROUP_BYTES = 27;
  // An echo of each peer: its id, boot tag, sequence and hold time.
  static final int PEER_BYTES = 18;

  private HeartbeatSize() {}

  public static int worstCaseBytes(int nodes, int groups) {
    return FIXED_BYTES + GROUP_BYTES * groups + PEER_BYTES * Math.max(0, nodes - 1);
  }

  /**
   * The same in wire version 3 (a 2-byte magic, wider fields, a 32-byte MAC: 28 bytes more), which
   * an agent also sends while a peer not yet upgraded runs: the API's caps keep it in the budget.
   */
  public static int worstCaseBytesV3(int nodes, int groups) {
    return worstCaseBytes(nodes, groups) + 28;
  }

  /** The violation message when heartbeats of this cluster could exceed the budget. */
  public static Optional<String> check(int nodes, int groups) {
    int bytes = worstCaseBytes(nodes, groups);
    if (bytes <= BUDGET_BYTES) {
      return Optional.empty();
    }
    return Optional.of(
        "heartbeats of "
            + nodes
            + " nodes and "
            + groups
            + " VIP groups could reach "
            + bytes
            + " bytes, more than the "
            + BUDGET_BYTES
            + " bytes a datagram carries unfragmented on every path; use fewer nodes or groups");
  }

  /** Whether every spec the API's own bounds admit fits the budget (so no CEL twin is needed). */
  public static boolean boundsFit() {
    return worstCaseBytesV3((int) Rules.MAX_NODES, (int) Rules.MAX_GROUPS) <= BUDGET_BYTES;
  }
}
