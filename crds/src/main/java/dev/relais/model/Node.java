package dev.relais.model;

import java.net.InetAddress;
import java.util.List;

/** One router: name, election priority, heartbeat addresses (one per path). */
public record Node(String name, int priority, List<InetAddress> addresses) {
  public static final int DEFAULT_PRIORITY = 100;

  public Node {
    addresses = List.copyOf(addresses);
    if (priority < 1 || priority > 255) {
      throw new IllegalArgumentException("priority " + priority + " out of 1-255");
    }
  }
}
