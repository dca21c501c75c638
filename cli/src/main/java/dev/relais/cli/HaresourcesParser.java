package dev.relais.cli;

import static dev.relais.cli.Diagnostic.HARESOURCES;

import dev.relais.api.v1alpha1.Rules;
import dev.relais.cli.Haresources.Agent;
import dev.relais.cli.Haresources.Resource;
import dev.relais.cli.Haresources.ResourceGroup;
import dev.relais.model.Addresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads haresources text as heartbeat 3's ResourceManager does (heartbeat-3.md §4.1-§4.3): {@code
 * #} comments, {@code \} continuations, node names lower-cased, a bare dotted quad meaning {@code
 * IPaddr::}, and the IPaddr / IPaddr2 argument {@code ip[/mask[/nic[:label]][/bcast]]}. Pure: text
 * in, {@link Haresources} out.
 */
public final class HaresourcesParser {
  private static final Pattern NAME = Pattern.compile(Rules.NAME_PATTERN);
  private static final Pattern IFNAME = Pattern.compile(Rules.IFNAME_PATTERN);
  private static final Pattern LABEL = Pattern.compile(Rules.LABEL_PATTERN);
  private static final Pattern BARE_IP = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+(/.*)?");

  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final List<ResourceGroup> groups = new ArrayList<>();
  private final Map<String, Integer> groupKeys = new HashMap<>();
  private int groupsWithVips;
  private boolean stopped;

  private HaresourcesParser() {}

  /** A word with the physical line it was written on. */
  private record Word(String text, int line) {}

  public static Haresources parse(String text) {
    HaresourcesParser p = new HaresourcesParser();
    String[] lines = text.split("\n", -1);
    List<Word> logical = new ArrayList<>();
    for (int i = 0; i < lines.length && !p.stopped; i++) {
      String line = lines[i].replace("\r", "");
      int hash = line.indexOf('#');
      if (hash >= 0) line = line.substring(0, hash);
      boolean continued = line.stripTrailing().endsWith("\\");
      if (continued) line = line.stripTrailing().substring(0, line.stripTrailing().length() - 1);
      for (String w : line.trim().split("\\s+")) {
        if (!w.isEmpty()) logical.add(new Word(w, i + 1));
      }
      if (!continued || i == lines.length - 1) {
        if (!logical.isEmpty()) p.group(logical);
        logical = new ArrayList<>();
      }
    }
    int lineCount = text.endsWith("\n") ? lines.length - 1 : lines.length;
    return new Haresources(lineCount, p.groups, p.diagnostics);
  }

  private void group(List<Word> words) {
    Word node = words.getFirst();
    String name = node.text().toLowerCase(Locale.ROOT); // heartbeat lower-cases node names
    if (name.length() > Rules.MAX_NAME || !NAME.matcher(name).matches()) {
      error(
          node.line(),
          "node name '" + node.text() + "' is not a DNS name (letters, digits, '-', '.')");
      return;
    }
    if (words.size() == 1) {
      error(node.line(), "node " + name + " has no resources on its line");
      return;
    }
    String key = words.get(1).text();
    Integer previous = groupKeys.putIfAbsent(key, node.line());
    if (previous != null) {
      error(
          node.line(),
          "the group key (first resource) "
              + key
              + " is already used on line "
              + previous
              + ": heartbeat needs it unique");
      return;
    }
    List<Resource> resources = new ArrayList<>();
    int vips = 0;
    for (Word w : words.subList(1, words.size())) {
      Optional<Resource> r = resource(w);
      if (r.isEmpty()) continue;
      resources.add(r.get());
      if (r.get() instanceof Resource.Vip && ++vips > Rules.MAX_VIPS_PER_GROUP) {
        stop(
            w.line(),
            "address "
                + vips
                + " of node "
                + name
                + "'s group: a VIP group holds at most "
                + Rules.MAX_VIPS_PER_GROUP);
        return;
      }
    }
    // Every group with an address becomes a VIP group or an error, so the 33rd is certainly one
    // too many: stop here rather than read a file of thousands of lines to the end.
    if (vips > 0 && ++groupsWithVips > Rules.MAX_GROUPS) {
      stop(
          node.line(),
          "resource group "
              + groupsWithVips
              + " with an address: a RouterCluster holds at most "
              + Rules.MAX_GROUPS
              + " VIP groups");
      return;
    }
    groups.add(new ResourceGroup(name, resources, node.line()));
  }

  /** A limit the import certainly exceeds: one error, and the rest of the file is not read. */
  private void stop(int line, String message) {
    error(line, message + "; the rest of haresources is not read");
    stopped = true;
  }

  private Optional<Resource> resource(Word word) {
    String text = word.text();
    String[] parts = text.split("::", -1);
    String script = parts[0];
    if (parts.length == 1 && BARE_IP.matcher(text).matches()) {
      return vip(Agent.IPADDR, text, text, word.line());
    }
    for (Agent agent : Agent.values()) {
      if (script.equals(agent.scriptName())) {
        if (parts.length != 2 || parts[1].isEmpty()) {
          error(word.line(), script + " takes one argument: " + script + "::ip/prefix/interface");
          return Optional.empty();
        }
        return vip(agent, parts[1], text, word.line());
      }
    }
    return Optional.of(new Resource.Other(script, text, word.line()));
  }

  /** {@code ip[/mask[/nic[/bcast]]]}; a third field that starts with a digit is the broadcast. */
  private Optional<Resource> vip(Agent agent, String arg, String text, int line) {
    String[] f = arg.split("/", -1);
    if (f.length > 4) {
      error(line, text + ": expected ip/prefix/interface/broadcast, got " + f.length + " fields");
      return Optional.empty();
    }
    Optional<InetAddress> ip = Addresses.parse(f[0]).filter(Inet4Address.class::isInstance);
    if (ip.isEmpty()) {
      error(
          line,
          text
              + ": '"
              + f[0]
              + "' is not an IPv4 address ("
              + agent.scriptName()
              + " is IPv4 only)");
      return Optional.empty();
    }
    OptionalInt prefix = OptionalInt.empty();
    if (f.length > 1 && !f[1].isEmpty()) {
      prefix = prefix(f[1]);
      if (prefix.isEmpty()) {
        error(
            line,
            text
                + ": '"
                + f[1]
                + "' is neither a prefix length 0-32 nor a netmask such as 255.255.255.0");
        return Optional.empty();
      }
    }
    String nicField = null;
    String bcastField = null;
    if (f.length == 3 && !f[2].isEmpty() && Character.isDigit(f[2].charAt(0))) bcastField = f[2];
    else if (f.length >= 3 && !f[2].isEmpty()) nicField = f[2];
    if (f.length == 4 && !f[3].isEmpty()) bcastField = f[3];
    Optional<String> iface = Optional.empty();
    Optional<String> label = Optional.empty();
    if (nicField != null) {
      int colon = nicField.indexOf(':');
      String nic = colon < 0 ? nicField : nicField.substring(0, colon);
      if (!IFNAME.matcher(nic).matches()) {
        error(line, text + ": '" + nic + "' is not an interface name (1-15 characters)");
        return Optional.empty();
      }
      iface = Optional.of(nic);
      if (colon >= 0) {
        if (!LABEL.matcher(nicField).matches() || colon == nicField.length() - 1) {
          error(
              line,
              text + ": label '" + nicField + "' must be interface:suffix, at most 15 characters");
          return Optional.empty();
        }
        label = Optional.of(nicField);
      }
    }
    Optional<InetAddress> broadcast = Optional.empty();
    if (bcastField != null) {
      broadcast = Addresses.parse(bcastField).filter(Inet4Address.class::isInstance);
      if (broadcast.isEmpty()) {
        error(line, text + ": broadcast '" + bcastField + "' is not an IPv4 address");
        return Optional.empty();
      }
    }
    return Optional.of(
        new Resource.Vip(agent, ip.get(), prefix, iface, label, broadcast, text, line));
  }

  /** Prefix bits, or a contiguous dotted netmask (IPaddr accepts both). */
  static OptionalInt prefix(String text) {
    if (text.chars().allMatch(Character::isDigit) && text.length() <= 2) {
      int bits = Integer.parseInt(text);
      return bits <= 32 ? OptionalInt.of(bits) : OptionalInt.empty();
    }
    Optional<InetAddress> mask = Addresses.parse(text).filter(Inet4Address.class::isInstance);
    if (mask.isEmpty()) return OptionalInt.empty();
    byte[] b = mask.get().getAddress();
    int value =
        ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    int bits = Integer.bitCount(value);
    // contiguous: the ones are all at the top
    return value == (bits == 0 ? 0 : -1 << (32 - bits))
        ? OptionalInt.of(bits)
        : OptionalInt.empty();
  }

  private void error(int line, String message) {
    diagnostics.add(Diagnostic.error(HARESOURCES, line, message));
  }
}
