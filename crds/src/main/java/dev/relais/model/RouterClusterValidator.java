package dev.relais.model;

import dev.relais.api.v1alpha1.AnnounceSpec;
import dev.relais.api.v1alpha1.DampingSpec;
import dev.relais.api.v1alpha1.FailbackPolicy;
import dev.relais.api.v1alpha1.HeartbeatSpec;
import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.PingGroupSpec;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.Rules;
import dev.relais.api.v1alpha1.Transport;
import dev.relais.api.v1alpha1.VipGroupSpec;
import dev.relais.api.v1alpha1.VipSpec;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks a defaulted spec completely: everything the CRD's schema and CEL rules check (with the
 * same messages for the CEL rules, see {@link Rules}), and what they cannot, such as full address
 * parsing and duplicate VIPs. Like an API server, it skips the CEL rules when the schema found an
 * error that blocks them (see {@link Rules#RULES_NOT_CHECKED}). Pure: no API calls.
 */
public final class RouterClusterValidator {
  static final String REQUIRED = "Required value";
  static final String NOT_A_NAME =
      "must be a lower-case DNS name (letters, digits, '-' and '.'), at most 63 characters";
  static final String NOT_A_SECRET_NAME =
      "must be a lower-case DNS name (letters, digits, '-' and '.'), at most 253 characters";
  static final String NOT_A_KEY_ID = "must be a key number 0-255, as heartbeat's auth N";
  static final String NOT_AN_IP = "must be an IPv4 or IPv6 address";
  static final String NOT_A_CIDR = "must be an address with a prefix length, as 192.168.200.10/24";
  static final String NOT_AN_IFNAME = "must be an interface name of 1-15 characters";
  static final String DUPLICATE_VIP = "the same VIP appears twice in the cluster";
  static final String LABEL_IPV4_ONLY = "labels apply to IPv4 addresses only (IPv6 has no alias)";

  // IFNAMSIZ (16) less the terminating NUL: the schema's maxLength for interfaces and labels.
  private static final long MAX_IFNAME = 15;
  // The schema's maxLength of activeKeyId: "255".
  private static final long MAX_KEY_ID = 3;

  private static final Pattern NAME = Pattern.compile(Rules.NAME_PATTERN);
  private static final Pattern IFNAME = Pattern.compile(Rules.IFNAME_PATTERN);
  private static final Pattern LABEL = Pattern.compile(Rules.LABEL_PATTERN);
  private static final Pattern KEY_ID = Pattern.compile(Rules.KEY_ID_PATTERN);

  private final List<Violation> violations = new ArrayList<>();
  // A schema error of a kind that makes an API server skip every CEL rule: Required, TooLong,
  // TooMany (and NotSupported and TypeInvalid, which binding into the spec classes catches).
  private boolean blocksRules;

  private RouterClusterValidator() {}

  /**
   * Validates a spec with the schema defaults applied, as an API server would. Empty when valid.
   */
  public static List<Violation> validate(RouterClusterSpec spec) {
    RouterClusterValidator v = new RouterClusterValidator();
    v.spec(SpecDefaults.applied(spec));
    return List.copyOf(v.violations);
  }

  private void spec(RouterClusterSpec spec) {
    List<NodeSpec> nodes = Objects.requireNonNullElse(spec.nodes, List.of());
    List<VipGroupSpec> groups = Objects.requireNonNullElse(spec.vipGroups, List.of());
    // The spec classes start their lists empty, so an omitted list reads as an empty one: both are
    // Required here (for [] a server says minItems instead; either way the object is rejected).
    if (nodes.isEmpty()) required("spec.nodes");
    if (groups.isEmpty()) required("spec.vipGroups");
    maxItems("spec.nodes", nodes, Rules.MAX_NODES);
    maxItems("spec.vipGroups", groups, Rules.MAX_GROUPS);
    heartbeatSize(nodes, groups);
    for (int i = 0; i < nodes.size(); i++) node("spec.nodes[" + i + "]", nodes.get(i));
    duplicateKeys("spec.nodes", nodes.stream().map(n -> n.name).toList());
    for (int i = 0; i < groups.size(); i++) group("spec.vipGroups[" + i + "]", groups.get(i));
    duplicateKeys("spec.vipGroups", groups.stream().map(g -> g.name).toList());
    wireIds("spec.nodes", nodes.stream().map(n -> n.name).toList());
    wireIds("spec.vipGroups", groups.stream().map(g -> g.name).toList());
    auth(spec);
    heartbeat(spec.heartbeat);
    range("spec.failback.delayMs", spec.failback.delayMs, 0, 86400000);
    damping(spec.failback.damping);
    health(spec);
    announce(spec.announce);
    if (spec.standby != null) {
      maxItems("spec.standby", spec.standby, Rules.MAX_NODES);
      for (int i = 0; i < spec.standby.size(); i++)
        name("spec.standby[" + i + "]", spec.standby.get(i));
    }
    range("spec.addressLifetimeSeconds", spec.addressLifetimeSeconds, 0, 3600);
    duplicateVips(groups);
    if (blocksRules) {
      // The server reports this without a path.
      add("spec", Rules.RULES_NOT_CHECKED);
    } else {
      clusterRules(spec, nodes, groups);
      heartbeatRules(spec.heartbeat);
      if (spec.failback.policy == FailbackPolicy.Delayed && spec.failback.delayMs == null) {
        add("spec.failback", Rules.DELAYED_NEEDS_DELAY_MSG);
      }
      labelRules(groups);
    }
  }

  /** The CEL rules on the spec: {@link Rules#NODES_MIN_TWO} to {@link Rules#UNICAST_ADDRESSES}. */
  private void clusterRules(
      RouterClusterSpec spec, List<NodeSpec> nodes, List<VipGroupSpec> groups) {
    Set<String> names = new HashSet<>();
    nodes.forEach(n -> names.add(n.name));
    if (nodes.size() < 2) add("spec", Rules.NODES_MIN_TWO_MSG);
    if (names.size() != nodes.size()) add("spec", Rules.NODES_UNIQUE_MSG);
    if (groups.stream().map(g -> g.name).distinct().count() != groups.size()) {
      add("spec", Rules.GROUPS_UNIQUE_MSG);
    }
    if (!groups.stream().allMatch(g -> names.contains(g.preferredNode))) {
      add("spec", Rules.PREFERRED_EXISTS_MSG);
    }
    if (!groups.stream()
        .allMatch(g -> g.requestedNode == null || names.contains(g.requestedNode))) {
      add("spec", Rules.REQUESTED_EXISTS_MSG);
    }
    if (spec.standby != null && !names.containsAll(spec.standby)) {
      add("spec", Rules.STANDBY_EXISTS_MSG);
    }
    boolean unicast = spec.heartbeat.transport == Transport.Unicast;
    if (unicast && !nodes.stream().allMatch(n -> n.addresses != null && !n.addresses.isEmpty())) {
      add("spec", Rules.UNICAST_ADDRESSES_MSG);
    }
  }

  /**
   * Heartbeats must cross every path unfragmented ({@link HeartbeatSize}). The API's bounds on
   * nodes and groups keep every spec within the budget (HeartbeatSizeTest), so this speaks only if
   * those bounds grow past it; beyond them the bounds themselves are reported.
   */
  private void heartbeatSize(List<NodeSpec> nodes, List<VipGroupSpec> groups) {
    if (nodes.size() <= Rules.MAX_NODES && groups.size() <= Rules.MAX_GROUPS) {
      HeartbeatSize.check(nodes.size(), groups.size()).ifPresent(m -> add("spec", m));
    }
  }

  private void node(String path, NodeSpec node) {
    name(path + ".name", node.name);
    range(path + ".priority", node.priority, 1, 255);
    if (node.addresses != null) {
      maxItems(path + ".addresses", node.addresses, Rules.MAX_ADDRESSES_PER_NODE);
      for (int i = 0; i < node.addresses.size(); i++)
        ip(path + ".addresses[" + i + "]", node.addresses.get(i));
    }
  }

  private void group(String path, VipGroupSpec group) {
    name(path + ".name", group.name);
    name(path + ".preferredNode", group.preferredNode);
    if (group.requestedNode != null) name(path + ".requestedNode", group.requestedNode);
    if (group.addresses == null || group.addresses.isEmpty()) {
      required(path + ".addresses");
      return;
    }
    maxItems(path + ".addresses", group.addresses, Rules.MAX_VIPS_PER_GROUP);
    for (int i = 0; i < group.addresses.size(); i++)
      vip(path + ".addresses[" + i + "]", group.addresses.get(i));
  }

  private void vip(String path, VipSpec vip) {
    var cidr = Addresses.parseCidr(vip.address);
    // The schema's maxLength: an address and "/128".
    text(path + ".address", vip.address, Rules.MAX_IP + 4, a -> cidr.isPresent(), NOT_A_CIDR);
    text(path + ".interface", vip.iface, MAX_IFNAME, IFNAME.asMatchPredicate(), NOT_AN_IFNAME);
    if (vip.label != null) {
      text(path + ".label", vip.label, MAX_IFNAME, LABEL.asMatchPredicate(), NOT_AN_IFNAME);
      if (cidr.isPresent() && !(cidr.get().address() instanceof Inet4Address)) {
        add(path + ".label", LABEL_IPV4_ONLY);
      }
    }
  }

  /** The CEL rule on each VIP: {@link Rules#LABEL_PREFIX}. */
  private void labelRules(List<VipGroupSpec> groups) {
    for (int i = 0; i < groups.size(); i++) {
      List<VipSpec> vips = groups.get(i).addresses;
      for (int j = 0; j < vips.size(); j++) {
        VipSpec vip = vips.get(j);
        if (vip.label != null && !vip.label.startsWith(vip.iface + ":")) {
          add("spec.vipGroups[" + i + "].addresses[" + j + "]", Rules.LABEL_PREFIX_MSG);
        }
      }
    }
  }

  private void auth(RouterClusterSpec spec) {
    String p = "spec.authSecretRef";
    if (spec.authSecretRef == null) {
      required(p);
      return;
    }
    text(
        p + ".name",
        spec.authSecretRef.name,
        Rules.MAX_SECRET_NAME,
        NAME.asMatchPredicate(),
        NOT_A_SECRET_NAME);
    text(
        p + ".activeKeyId",
        spec.authSecretRef.activeKeyId,
        MAX_KEY_ID,
        KEY_ID.asMatchPredicate(),
        NOT_A_KEY_ID);
  }

  private void heartbeat(HeartbeatSpec hb) {
    String p = "spec.heartbeat";
    range(p + ".keepaliveMs", hb.keepaliveMs, 1, 60000);
    range(p + ".warnTimeMs", hb.warnTimeMs, 1, 600000);
    range(p + ".deadTimeMs", hb.deadTimeMs, 3, 600000);
    range(p + ".initDeadMs", hb.initDeadMs, 3, 3600000);
    range(p + ".port", hb.port, 1, 65535);
    range(p + ".multicastTtl", hb.multicastTtl, 1, 255);
    if (hb.interfaces != null) {
      maxItems(p + ".interfaces", hb.interfaces, 8);
      for (int i = 0; i < hb.interfaces.size(); i++)
        ifname(p + ".interfaces[" + i + "]", hb.interfaces.get(i));
    }
    if (hb.multicastGroup != null) ip(p + ".multicastGroup", hb.multicastGroup);
  }

  /** The CEL rules on the heartbeat: {@link Rules#DEADTIME_OVER_KEEPALIVE} and the four after. */
  private void heartbeatRules(HeartbeatSpec hb) {
    String p = "spec.heartbeat";
    long keepalive = hb.keepaliveMs, dead = hb.deadTimeMs;
    if (dead <= 2 * keepalive) add(p, Rules.DEADTIME_OVER_KEEPALIVE_MSG);
    if (hb.warnTimeMs != null && (hb.warnTimeMs < keepalive || hb.warnTimeMs >= dead)) {
      add(p, Rules.WARNTIME_BETWEEN_MSG);
    }
    if (hb.initDeadMs != null && hb.initDeadMs < dead) add(p, Rules.INITDEAD_AT_LEAST_DEADTIME_MSG);
    if (hb.transport != Transport.Unicast && (hb.interfaces == null || hb.interfaces.isEmpty())) {
      add(p, Rules.MEDIA_NEED_INTERFACES_MSG);
    }
    if (hb.transport == Transport.Multicast && hb.multicastGroup == null) {
      add(p, Rules.MULTICAST_NEEDS_GROUP_MSG);
    }
  }

  /** Flap damping's bounds (the schema's; no CEL rule). */
  private void damping(DampingSpec d) {
    String p = "spec.failback.damping";
    range(p + ".moves", d.moves, 1, 100);
    range(p + ".windowMs", d.windowMs, 1, 86400000);
  }

  private void health(RouterClusterSpec spec) {
    if (spec.health == null) return;
    String p = "spec.health";
    if (spec.health.interfaces != null) {
      maxItems(p + ".interfaces", spec.health.interfaces, 8);
      for (int i = 0; i < spec.health.interfaces.size(); i++) {
        ifname(p + ".interfaces[" + i + "]", spec.health.interfaces.get(i));
      }
    }
    if (spec.health.pingTargets != null) {
      maxItems(p + ".pingTargets", spec.health.pingTargets, Rules.MAX_TARGETS);
      for (int i = 0; i < spec.health.pingTargets.size(); i++) {
        ip(p + ".pingTargets[" + i + "]", spec.health.pingTargets.get(i));
      }
    }
    if (spec.health.pingGroups != null) {
      maxItems(p + ".pingGroups", spec.health.pingGroups, Rules.MAX_TARGETS);
      for (int i = 0; i < spec.health.pingGroups.size(); i++) {
        PingGroupSpec g = spec.health.pingGroups.get(i);
        String gp = p + ".pingGroups[" + i + "]";
        name(gp + ".name", g.name);
        if (g.targets == null || g.targets.isEmpty()) {
          required(gp + ".targets");
          continue;
        }
        maxItems(gp + ".targets", g.targets, Rules.MAX_TARGETS);
        for (int j = 0; j < g.targets.size(); j++) ip(gp + ".targets[" + j + "]", g.targets.get(j));
        if (g.arpInterface != null) {
          ifname(gp + ".arpInterface", g.arpInterface);
          if (g.targets.stream().anyMatch(t -> t.contains(":"))) add(gp, Rules.ARP_PING_IPV4_MSG);
        }
      }
    }
  }

  private void announce(AnnounceSpec an) {
    String p = "spec.announce";
    range(p + ".count", an.count, 1, 100);
    range(p + ".intervalMs", an.intervalMs, 1, 10000);
    range(p + ".refreshSeconds", an.refreshSeconds, 0, 3600);
  }

  /**
   * nodes and vipGroups are list-maps keyed by name: an API server reports each entry that repeats
   * a name as a Duplicate value (structurallisttype). That error does not block the CEL rules, so
   * the uniqueness rule's message comes as well.
   */
  private void duplicateKeys(String path, List<String> names) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (name != null && !seen.add(name)) {
        add(path + "[" + i + "]", "Duplicate value: {\"name\":\"" + name + "\"}");
      }
    }
  }

  /**
   * Names travel as 32-bit ids ({@link WireIds}); two of one kind with the same id would be one
   * node or group to every agent, whose codec refuses such a config. No CEL twin: CEL has no
   * SHA-256, so an API server admits the spec and the operator reports it (odds about 10⁻⁷ for the
   * largest spec, but names are chosen by people and tools, not at random).
   */
  private void wireIds(String path, List<String> names) {
    for (WireIds.Collision c : WireIds.collisions(names)) {
      add(
          path + "[" + c.second() + "].name",
          String.format(
              "%s shares its wire id (0x%08x, the first 4 bytes of the name's SHA-256) with %s[%d]"
                  + " (%s): agents could not tell the two apart; rename one",
              names.get(c.second()), c.id(), path, c.first(), names.get(c.first())));
    }
  }

  private void duplicateVips(List<VipGroupSpec> groups) {
    Set<Object> seen = new HashSet<>();
    for (int i = 0; i < groups.size(); i++) {
      List<VipSpec> vips = Objects.requireNonNullElse(groups.get(i).addresses, List.of());
      for (int j = 0; j < vips.size(); j++) {
        var cidr = Addresses.parseCidr(vips.get(j).address);
        if (cidr.isPresent() && !seen.add(cidr.get().address())) {
          add("spec.vipGroups[" + i + "].addresses[" + j + "].address", DUPLICATE_VIP);
        }
      }
    }
  }

  private void name(String path, String value) {
    text(path, value, Rules.MAX_NAME, NAME.asMatchPredicate(), NOT_A_NAME);
  }

  private void ifname(String path, String value) {
    text(path, value, MAX_IFNAME, IFNAME.asMatchPredicate(), NOT_AN_IFNAME);
  }

  private void ip(String path, String value) {
    text(path, value, Rules.MAX_IP, a -> Addresses.parse(a).isPresent(), NOT_AN_IP);
  }

  /** A string the schema bounds by maxLength (TooLong, which blocks the CEL rules) and a syntax. */
  private void text(
      String path, String value, long maxLength, Predicate<String> syntax, String message) {
    if (value == null) {
      required(path);
      return;
    }
    boolean tooLong = value.length() > maxLength;
    blocksRules |= tooLong;
    if (tooLong || !syntax.test(value)) add(path, message);
  }

  private void range(String path, Integer value, long min, long max) {
    if (value != null && (value < min || value > max)) {
      add(path, "must be between " + min + " and " + max);
    }
  }

  private void maxItems(String path, List<?> list, long max) {
    if (list.size() > max) {
      add(path, "must have at most " + max + " items");
      blocksRules = true;
    }
  }

  private void required(String path) {
    add(path, REQUIRED);
    blocksRules = true;
  }

  private void add(String path, String message) {
    violations.add(new Violation(path, message));
  }
}
