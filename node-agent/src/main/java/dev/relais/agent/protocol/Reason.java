package dev.relais.agent.protocol;

import java.util.Locale;

/**
 * Why something changed or was reported. Printed in CamelCase (STYLE.md rule 4), e.g. {@code
 * OwnerDead}, the form the runtime logs and turns into condition reasons.
 */
public enum Reason {
  STARTED,
  CLUSTER_HEARD,
  INIT_DEAD_EXPIRED,
  PEER_LATE,
  PEER_DEAD,
  PEER_ALIVE,
  PEER_RESTARTED,
  PATH_DOWN,
  PATH_UP,
  NO_OWNER,
  OWNER_DEAD,
  OWNER_RELEASED,
  SUPERSEDED,
  HANDOFF_OFFERED,
  HANDOFF_ACCEPTED,
  HANDOFF_CONFIRMED,
  HANDOFF_TIMED_OUT,
  HANDOFF_BOUND_RELEASE,
  FAILBACK,
  PING_REACH,
  STANDBY,
  REQUESTED,
  FAULT,
  HEALTHY,
  FLAP_DAMPED,
  SHUTDOWN,
  CONFIG_CHANGED;

  private final String camel = camel(name());

  private static String camel(String upper) {
    var out = new StringBuilder();
    for (var word : upper.split("_")) {
      out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return camel;
  }
}
