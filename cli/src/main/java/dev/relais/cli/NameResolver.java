package dev.relais.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Node name → addresses, to tell which node a {@code ucast} peer address belongs to. The command
 * uses the system resolver (/etc/hosts, then DNS); tests hand in a fixed map and never look up.
 */
@FunctionalInterface
public interface NameResolver {
  /** The name's addresses, empty when it does not resolve. */
  List<InetAddress> resolve(String name);

  static NameResolver system() {
    return name -> {
      try {
        return List.of(InetAddress.getAllByName(name));
      } catch (UnknownHostException e) {
        return List.of();
      }
    };
  }
}
