package dev.relais.cli;

import static dev.relais.cli.Diagnostic.HA_CF;

import dev.relais.api.v1alpha1.Rules;
import dev.relais.cli.HaCf.AutoFailback;
import dev.relais.cli.HaCf.Medium;
import dev.relais.model.Addresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads ha.cf text as heartbeat 3.0.6 does (heartbeat-3.md §3.1): one directive a line, values
 * split on spaces, tabs or commas, {@code #} starts a comment anywhere, order matters for udpport.
 * Pure: text in, {@link HaCf} out; every problem is a {@link Diagnostic} with its line.
 */
public final class HaCfParser {
  /** heartbeat's default when neither udpport nor /etc/services' ha-cluster says otherwise. */
  static final int DEFAULT_UDP_PORT = 694;

  private static final Pattern IFNAME = Pattern.compile(Rules.IFNAME_PATTERN);
  private static final Pattern NAME = Pattern.compile(Rules.NAME_PATTERN);

  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final List<Medium> media = new ArrayList<>();
  private final List<Located<String>> nodes = new ArrayList<>();
  private final List<Located<InetAddress>> pingTargets = new ArrayList<>();
  private final List<HaCf.PingGroup> pingGroups = new ArrayList<>();
  private Optional<Located<Duration>> keepalive = Optional.empty();
  private Optional<Located<Duration>> deadtime = Optional.empty();
  private Optional<Located<Duration>> warntime = Optional.empty();
  private Optional<Located<Duration>> initdead = Optional.empty();
  private Optional<Located<AutoFailback>> autoFailback = Optional.empty();
  private Optional<Located<String>> clusterName = Optional.empty();
  private final Set<InetAddress> ucastPeers = new HashSet<>();
  private boolean respawnsIpfail;
  private boolean bcastOrUcastSeen;
  private boolean stopped;
  private int udpPort = DEFAULT_UDP_PORT;

  private HaCfParser() {}

  public static HaCf parse(String text) {
    HaCfParser p = new HaCfParser();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length && !p.stopped; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) line = line.substring(0, hash);
      String[] words =
          Arrays.stream(line.trim().split("[ \t,\r]+"))
              .filter(w -> !w.isEmpty())
              .toArray(String[]::new);
      if (words.length > 0) {
        p.directive(words[0], Arrays.copyOfRange(words, 1, words.length), i + 1);
      }
    }
    int lineCount = text.endsWith("\n") ? lines.length - 1 : lines.length;
    return new HaCf(
        lineCount,
        p.keepalive,
        p.deadtime,
        p.warntime,
        p.initdead,
        p.media,
        p.nodes,
        p.autoFailback,
        p.pingTargets,
        p.pingGroups,
        p.respawnsIpfail,
        p.clusterName,
        p.diagnostics);
  }

  private void directive(String name, String[] values, int line) {
    String directive = name.toLowerCase(Locale.ROOT);
    if (HaCfDirectives.NO_EFFECT.containsKey(directive)) {
      note(line, directive + " is not needed: " + HaCfDirectives.NO_EFFECT.get(directive));
      return;
    }
    if (HaCfDirectives.NOT_MAPPED.containsKey(directive)) {
      if (directive.equals("deadping") && values.length == 1) time(directive, values, line);
      warn(line, directive + " is not mapped: " + HaCfDirectives.NOT_MAPPED.get(directive));
      return;
    }
    switch (directive) {
      case "keepalive" -> keepalive = time(directive, values, line);
      case "deadtime" -> deadtime = time(directive, values, line);
      case "warntime" -> warntime = time(directive, values, line);
      case "initdead" -> initdead = time(directive, values, line);
      case "udpport" -> udpport(values, line);
      case "bcast" -> bcast(values, line);
      case "mcast" -> mcast(values, line);
      case "ucast" -> ucast(values, line);
      case "node" -> node(values, line);
      case "auto_failback" -> autoFailback(values, line);
      case "nice_failback" -> niceFailback(values, line);
      case "ping" -> ping(values, line);
      case "ping_group" -> pingGroup(values, line);
      case "respawn" -> respawn(values, line);
      case "crm", "pacemaker" -> crm(directive, values, line);
      case "autojoin" -> autojoin(values, line);
      case "cluster" -> cluster(values, line);
      default -> error(line, "unknown directive '" + name + "' (heartbeat 3 would not start)");
    }
  }

  private Optional<Located<Duration>> time(String directive, String[] values, int line) {
    if (values.length != 1) {
      error(
          line,
          directive
              + " takes one time value such as 2, 1.5 or 500ms (no space before the unit), got "
              + values.length);
      return Optional.empty();
    }
    Optional<Duration> parsed = HeartbeatValues.parseTime(values[0]);
    if (parsed.isEmpty()) {
      error(
          line,
          directive
              + " '"
              + values[0]
              + "' is not a time: seconds, or a number with ms or us (heartbeat rejects 's')");
      return Optional.empty();
    }
    Duration d = parsed.get();
    Duration whole = d.truncatedTo(ChronoUnit.MILLIS);
    if (!whole.equals(d)) {
      whole = whole.plusMillis(1);
      warn(
          line,
          directive
              + " "
              + values[0]
              + " rounded up to "
              + whole.toMillis()
              + " ms: Relais counts whole milliseconds");
    }
    return Optional.of(new Located<>(whole, line));
  }

  private void udpport(String[] values, int line) {
    Optional<Integer> port =
        values.length == 1 ? HeartbeatValues.port(values[0]) : Optional.empty();
    if (port.isEmpty()) {
      error(line, "udpport takes one port number 1-65535");
      return;
    }
    if (bcastOrUcastSeen) {
      warn(
          line,
          "udpport after a bcast/ucast line: heartbeat used the earlier port for the media above"
              + " (it must precede them)");
    }
    udpPort = port.get();
  }

  private void bcast(String[] values, int line) {
    if (values.length == 0) error(line, "bcast needs at least one interface");
    for (String iface : values) {
      if (ifname(iface, line)) {
        media.add(new Medium.Bcast(iface, udpPort, line));
        bcastOrUcastSeen = true;
      }
    }
  }

  private void mcast(String[] values, int line) {
    if (values.length != 5) {
      error(
          line,
          "mcast takes 5 values: interface, group, port, ttl, loop (e.g. eth0 225.0.0.1 694 1 0)");
      return;
    }
    Optional<InetAddress> group = Addresses.parse(values[1]);
    Optional<Integer> port = HeartbeatValues.port(values[2]);
    Optional<Integer> ttl = HeartbeatValues.number(values[3], 1, 255);
    Optional<Integer> loop = HeartbeatValues.number(values[4], 0, 1);
    boolean ok = ifname(values[0], line);
    if (group.isEmpty()
        || !(group.get() instanceof Inet4Address)
        || !group.get().isMulticastAddress()) {
      error(line, "mcast group '" + values[1] + "' is not an IPv4 multicast address (224.0.0.0/4)");
      ok = false;
    }
    if (port.isEmpty()) error(line, "mcast port '" + values[2] + "' is not a port 1-65535");
    if (ttl.isEmpty()) error(line, "mcast ttl '" + values[3] + "' is not 1-255");
    if (loop.isEmpty()) error(line, "mcast loop '" + values[4] + "' is not 0 or 1");
    if (!ok || port.isEmpty() || ttl.isEmpty() || loop.isEmpty()) return;
    if (loop.get() == 1) {
      note(line, "mcast loop 1 is not needed: Relais ignores its own heartbeats either way");
    }
    media.add(new Medium.Mcast(values[0], group.get(), port.get(), ttl.get(), line));
  }

  private void ucast(String[] values, int line) {
    if (values.length != 2) {
      error(line, "ucast takes 2 values: interface and peer address (one peer per line)");
      return;
    }
    Optional<InetAddress> peer = Addresses.parse(values[1]);
    boolean ok = ifname(values[0], line);
    if (peer.isEmpty()) {
      error(line, "ucast peer '" + values[1] + "' is not an IP address");
      return;
    }
    if (!ok) return;
    media.add(new Medium.Ucast(values[0], peer.get(), udpPort, line));
    bcastOrUcastSeen = true;
    // With ucast first (the transport), each peer is a node's address or an error: more peers
    // than the nodes can hold certainly fail.
    if (media.getFirst() instanceof Medium.Ucast
        && ucastPeers.add(peer.get())
        && ucastPeers.size() > Rules.MAX_NODES * Rules.MAX_ADDRESSES_PER_NODE) {
      stop(
          line,
          "ucast peer "
              + ucastPeers.size()
              + ": a RouterCluster has at most "
              + Rules.MAX_NODES
              + " nodes of "
              + Rules.MAX_ADDRESSES_PER_NODE
              + " addresses each");
    }
  }

  private void node(String[] values, int line) {
    if (values.length == 0) error(line, "node needs at least one node name");
    for (String value : values) {
      String name = value.toLowerCase(Locale.ROOT); // heartbeat lower-cases node names
      if (name.length() > Rules.MAX_NAME || !NAME.matcher(name).matches()) {
        error(line, "node name '" + value + "' is not a DNS name (letters, digits, '-', '.')");
      } else if (nodes.stream().anyMatch(n -> n.value().equals(name))) {
        warn(line, "node " + name + " is listed twice; it is imported once");
      } else if (nodes.size() == Rules.MAX_NODES) {
        stop(line, "node " + name + ": a RouterCluster has at most " + Rules.MAX_NODES + " nodes");
        return;
      } else {
        nodes.add(new Located<>(name, line));
      }
    }
  }

  private void autoFailback(String[] values, int line) {
    if (values.length != 1) {
      error(line, "auto_failback takes one value: on, off or legacy");
      return;
    }
    Optional<AutoFailback> value =
        values[0].equalsIgnoreCase("legacy")
            ? Optional.of(AutoFailback.LEGACY)
            : HeartbeatValues.bool(values[0]).map(on -> on ? AutoFailback.ON : AutoFailback.OFF);
    if (value.isEmpty()) error(line, "auto_failback '" + values[0] + "' is not on, off or legacy");
    else autoFailback = Optional.of(new Located<>(value.get(), line));
  }

  private void niceFailback(String[] values, int line) {
    Optional<Boolean> on = values.length == 1 ? HeartbeatValues.bool(values[0]) : Optional.empty();
    if (on.isEmpty()) {
      error(line, "nice_failback takes one boolean value");
      return;
    }
    // heartbeat maps the obsolete nice_failback on to auto_failback off, and off to legacy.
    AutoFailback value = on.get() ? AutoFailback.OFF : AutoFailback.LEGACY;
    note(
        line,
        "nice_failback is obsolete; read as auto_failback "
            + value.name().toLowerCase(Locale.ROOT));
    autoFailback = Optional.of(new Located<>(value, line));
  }

  private void ping(String[] values, int line) {
    if (values.length == 0) error(line, "ping needs at least one address");
    for (String value : values) {
      target(value, line).ifPresent(a -> pingTargets.add(new Located<>(a, line)));
    }
  }

  private void pingGroup(String[] values, int line) {
    if (values.length < 2) {
      error(line, "ping_group takes a name and at least one address");
      return;
    }
    String name = values[0].toLowerCase(Locale.ROOT);
    if (name.length() > Rules.MAX_NAME || !NAME.matcher(name).matches()) {
      error(
          line,
          "ping_group name '" + values[0] + "' is not a DNS name (letters, digits, '-', '.')");
      return;
    }
    List<InetAddress> targets = new ArrayList<>();
    for (int i = 1; i < values.length; i++) target(values[i], line).ifPresent(targets::add);
    if (targets.size() == values.length - 1)
      pingGroups.add(new HaCf.PingGroup(name, targets, line));
  }

  private Optional<InetAddress> target(String value, int line) {
    Optional<InetAddress> address = Addresses.parse(value);
    if (address.isEmpty()) {
      error(
          line,
          "ping target '"
              + value
              + "' is not an IP address (Relais does not resolve names for health checks)");
    }
    return address;
  }

  private void respawn(String[] values, int line) {
    if (values.length < 2) {
      error(line, "respawn takes a user and an absolute program path");
      return;
    }
    if (values[1].endsWith("/ipfail")) {
      respawnsIpfail = true;
      note(
          line, "respawn of ipfail is not needed: Relais tracks ping targets itself (spec.health)");
    } else {
      warn(
          line,
          "respawn "
              + values[1]
              + " is not mapped: Relais runs no programs for the cluster; run it as its own service");
    }
  }

  private void crm(String directive, String[] values, int line) {
    String value = values.length == 1 ? values[0].toLowerCase(Locale.ROOT) : "";
    if (HeartbeatValues.bool(value).equals(Optional.of(false))) {
      note(line, directive + " " + value + " is heartbeat's default (v1 resource manager)");
    } else {
      warn(
          line,
          directive
              + " "
              + String.join(" ", values)
              + " is not mapped: with a CRM heartbeat ignored haresources and ran Pacemaker;"
              + " Relais imports haresources and has no CRM");
    }
  }

  private void autojoin(String[] values, int line) {
    if (values.length == 1 && values[0].equalsIgnoreCase("none")) {
      note(line, "autojoin none is heartbeat's default: only listed nodes join");
    } else {
      warn(
          line,
          "autojoin "
              + String.join(" ", values)
              + " is not mapped: a RouterCluster lists every node");
    }
  }

  private void cluster(String[] values, int line) {
    String name = values.length == 1 ? values[0].toLowerCase(Locale.ROOT) : "";
    if (name.isEmpty() || name.length() > Rules.MAX_NAME || !NAME.matcher(name).matches()) {
      warn(line, "cluster name '" + String.join(" ", values) + "' is not a DNS name; use --name");
      return;
    }
    clusterName = Optional.of(new Located<>(name, line));
  }

  private boolean ifname(String iface, int line) {
    if (IFNAME.matcher(iface).matches()) return true;
    error(line, "'" + iface + "' is not an interface name (1-15 characters, no '/' or ':')");
    return false;
  }

  private void error(int line, String message) {
    diagnostics.add(Diagnostic.error(HA_CF, line, message));
  }

  /** A limit the import certainly exceeds: one error, and the rest of the file is not read. */
  private void stop(int line, String message) {
    error(line, message + "; the rest of ha.cf is not read");
    stopped = true;
  }

  private void warn(int line, String message) {
    diagnostics.add(Diagnostic.warning(HA_CF, line, message));
  }

  private void note(int line, String message) {
    diagnostics.add(Diagnostic.note(HA_CF, line, message));
  }
}
