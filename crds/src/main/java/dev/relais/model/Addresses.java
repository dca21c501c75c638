package dev.relais.model;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict parsing of IP literals: never a DNS lookup, never BSD short forms like 10.1, never a zone
 * id.
 */
public final class Addresses {
  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  // The alphabet of the CRD's IPv6 pattern (Rules.IPV6): the API server rejects a zone id
  // (fe80::1%eth0), which Inet6Address.ofLiteral would accept, and brackets.
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+");

  private Addresses() {}

  public static Optional<InetAddress> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (text.indexOf(':') >= 0) {
        return IPV6_CHARACTERS.matcher(text).matches()
            ? Optional.of(Inet6Address.ofLiteral(text))
            : Optional.empty();
      }
      if (DOTTED_QUAD.matcher(text).matches()) {
        return Optional.of(Inet4Address.ofLiteral(text));
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Parses {@code address/prefix}; empty when either part is malformed or out of range. */
  public static Optional<Cidr> parseCidr(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int slash = text.lastIndexOf('/');
    if (slash < 0 || slash == text.length() - 1 || text.length() - slash > 4) {
      return Optional.empty();
    }
    String prefixText = text.substring(slash + 1);
    if (!prefixText.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    int prefix = Integer.parseInt(prefixText);
    return parse(text.substring(0, slash))
        .filter(a -> prefix <= (a instanceof Inet4Address ? 32 : 128))
        .map(a -> new Cidr(a, prefix));
  }

  /** An address with its prefix length. */
  public record Cidr(InetAddress address, int prefix) {}
}
