package dev.relais.agent.dataplane;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Address literals without DNS. */
final class Addresses {
  private Addresses() {}

  /** Parses a numeric IPv4 or IPv6 literal; rejects anything that would need a lookup. */
  static InetAddress literal(String text) {
    boolean numeric = text.contains(":") || text.matches("[0-9.]+");
    if (!numeric) {
      throw new IllegalArgumentException("not an address literal: '" + text + "'");
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address literal: '" + text + "'", e);
    }
  }

  static InetAddress fromBytes(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address of " + raw.length + " bytes", e);
    }
  }
}
