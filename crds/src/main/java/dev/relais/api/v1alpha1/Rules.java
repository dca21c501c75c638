package dev.relais.api.v1alpha1;

/**
 * The cross-field rules of the RouterCluster API: each CEL expression that the CRD carries, with
 * the one message that both the API server (CEL) and the Java validator report for it.
 */
public final class Rules {
  private Rules() {}

  // Bounds that keep the CEL rules' estimated cost within what a real API server accepts.
  public static final long MAX_NODES = 16;
  public static final long MAX_GROUPS = 32;
  public static final long MAX_VIPS_PER_GROUP = 16;
  public static final long MAX_ADDRESSES_PER_NODE = 4;
  public static final long MAX_NAME = 63;
  public static final long MAX_TARGETS = 16;
  // The longest textual IPv6 address (IPv4-mapped form).
  public static final long MAX_IP = 45;
  // A Secret's name is a DNS subdomain (RFC 1123): at most 253 characters.
  public static final long MAX_SECRET_NAME = 253;

  /**
   * What an API server adds when it skips every CEL rule because the schema already found a
   * required field missing, a string too long, a list too long, a value outside an enum or of the
   * wrong type (apiextensions-apiserver, customresource strategy, hasBlockingErr).
   */
  public static final String RULES_NOT_CHECKED =
      "some validation rules were not checked because the object was invalid; correct the"
          + " existing errors to complete validation";

  public static final String NODES_MIN_TWO = "size(self.nodes) >= 2";
  public static final String NODES_MIN_TWO_MSG = "a cluster needs at least two nodes";

  public static final String NODES_UNIQUE =
      "self.nodes.all(n, self.nodes.exists_one(m, m.name == n.name))";
  public static final String NODES_UNIQUE_MSG = "node names must be unique";

  public static final String GROUPS_UNIQUE =
      "self.vipGroups.all(g, self.vipGroups.exists_one(h, h.name == g.name))";
  public static final String GROUPS_UNIQUE_MSG = "VIP group names must be unique";

  public static final String PREFERRED_EXISTS =
      "self.vipGroups.all(g, self.nodes.exists(n, n.name == g.preferredNode))";
  public static final String PREFERRED_EXISTS_MSG =
      "every VIP group's preferredNode must name a node of the cluster";

  public static final String REQUESTED_EXISTS =
      "self.vipGroups.all(g, !has(g.requestedNode) || self.nodes.exists(n, n.name =="
          + " g.requestedNode))";
  public static final String REQUESTED_EXISTS_MSG =
      "every VIP group's requestedNode must name a node of the cluster";

  public static final String STANDBY_EXISTS =
      "!has(self.standby) || self.standby.all(s, self.nodes.exists(n, n.name == s))";
  public static final String STANDBY_EXISTS_MSG =
      "every standby entry must name a node of the cluster";

  public static final String UNICAST_ADDRESSES =
      "(has(self.heartbeat) && has(self.heartbeat.transport) && self.heartbeat.transport !="
          + " 'Unicast') || self.nodes.all(n, has(n.addresses) && size(n.addresses) > 0)";
  public static final String UNICAST_ADDRESSES_MSG =
      "unicast transport needs at least one heartbeat address on every node";

  public static final String DEADTIME_OVER_KEEPALIVE = "self.deadTimeMs > 2 * self.keepaliveMs";
  public static final String DEADTIME_OVER_KEEPALIVE_MSG =
      "deadTimeMs must be more than twice keepaliveMs";

  public static final String WARNTIME_BETWEEN =
      "!has(self.warnTimeMs) || (self.warnTimeMs >= self.keepaliveMs && self.warnTimeMs <"
          + " self.deadTimeMs)";
  public static final String WARNTIME_BETWEEN_MSG =
      "warnTimeMs must be at least keepaliveMs and less than deadTimeMs";

  public static final String INITDEAD_AT_LEAST_DEADTIME =
      "!has(self.initDeadMs) || self.initDeadMs >= self.deadTimeMs";
  public static final String INITDEAD_AT_LEAST_DEADTIME_MSG =
      "initDeadMs must be at least deadTimeMs";

  public static final String MEDIA_NEED_INTERFACES =
      "self.transport == 'Unicast' || (has(self.interfaces) && size(self.interfaces) > 0)";
  public static final String MEDIA_NEED_INTERFACES_MSG =
      "broadcast and multicast transports need at least one interface";

  public static final String MULTICAST_NEEDS_GROUP =
      "self.transport != 'Multicast' || has(self.multicastGroup)";
  public static final String MULTICAST_NEEDS_GROUP_MSG = "multicast transport needs multicastGroup";

  public static final String LABEL_PREFIX =
      "!has(self.label) || self.label.startsWith(self.interface + ':')";
  public static final String LABEL_PREFIX_MSG =
      "label must start with the interface name and a colon, as in enp0s3:0";

  public static final String ARP_PING_IPV4 =
      "!has(self.arpInterface) || self.targets.all(t, !t.contains(':'))";
  public static final String ARP_PING_IPV4_MSG = "an ARP ping group may hold IPv4 targets only";
  public static final String DELAYED_NEEDS_DELAY = "self.policy != 'Delayed' || has(self.delayMs)";
  public static final String DELAYED_NEEDS_DELAY_MSG = "failback policy Delayed needs delayMs";

  // Address syntax by pattern (cel-java has no IP functions); the Java validator parses fully.
  public static final String IPV4 =
      "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  public static final String IPV6 = "[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*";
  public static final String IP_PATTERN = "^(" + IPV4 + "|" + IPV6 + ")$";
  public static final String CIDR_PATTERN = "^(" + IPV4 + "|" + IPV6 + ")/[0-9]{1,3}$";
  public static final String KEY_ID_PATTERN = "^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
  public static final String IFNAME_PATTERN = "^[^\\s/:]{1,15}$";
  public static final String LABEL_PATTERN = "^[^\\s/]{1,15}$";
}
