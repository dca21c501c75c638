package dev.relais.agent.protocol;

import java.util.ArrayList;
import java.util.List;

/** What the machine asks the runtime to do, in order. The machine never performs I/O itself. */
public sealed interface Effect {
  /**
   * The effects of several inputs handled in one go (deferred reads caught up, then the input that
   * woke the runtime), without each heartbeat a later one of the same path and wire version
   * supersedes: they would leave together, and the last says all the others would.
   */
  static List<Effect> latestSends(List<Effect> effects) {
    var out = new ArrayList<Effect>(effects.size());
    for (int i = 0; i < effects.size(); i++) {
      if (!(effects.get(i) instanceof SendHeartbeat(Heartbeat hb)
          && supersededAfter(effects, i, hb))) {
        out.add(effects.get(i));
      }
    }
    return out;
  }

  private static boolean supersededAfter(List<Effect> effects, int index, Heartbeat hb) {
    for (int j = index + 1; j < effects.size(); j++) {
      if (effects.get(j) instanceof SendHeartbeat(Heartbeat later)
          && later.path() == hb.path()
          && later.wireVersion() == hb.wireVersion()) {
        return true;
      }
    }
    return false;
  }

  /** Encode, sign and send on path {@code heartbeat.path()} to every peer. */
  record SendHeartbeat(Heartbeat heartbeat) implements Effect {}

  /** Add the group's VIP (with a short lifetime the runtime keeps renewing while it holds it). */
  record AcquireVip(String group, long epoch) implements Effect {}

  /** Send gratuitous ARP / unsolicited NA for the group's VIP. */
  record AnnounceVip(String group) implements Effect {}

  /** Remove the group's VIP. */
  record ReleaseVip(String group) implements Effect {}

  /**
   * One state change, logged at INFO with cluster, node, group, from, to and reason (STYLE.md rule
   * 7). {@code group} is empty for the node's own status; from/to are role or status names.
   */
  record StateChange(
      String cluster, String node, String group, String from, String to, Reason reason)
      implements Effect {}

  /** Something worth a log line, a metric or an event that changed no state of this node. */
  record Report(Reason reason, String subject, String detail) implements Effect {}

  /** The node's whole reported state changed. Latest wins; the runtime may coalesce. */
  record PublishState(StateSnapshot snapshot) implements Effect {}

  /** Shutdown finished: nothing is held and the last heartbeats were sent. */
  record ShutdownComplete() implements Effect {}
}
