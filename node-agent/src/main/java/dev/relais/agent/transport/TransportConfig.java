package dev.relais.agent.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * Where heartbeats go and where they are received. Unicast: one destination per peer path
 * (heartbeat's ucast); broadcast and multicast: the interface's broadcast address or the group.
 */
public record TransportConfig(
    int port,
    Optional<InetAddress> bindAddress,
    List<InetSocketAddress> destinations,
    boolean broadcast,
    Optional<InetAddress> multicastGroup,
    List<String> multicastInterfaces,
    int multicastTtl) {
  /** DSCP CS6 (network control, RFC 4594 §3.1) in the TOS byte: 48 << 2. */
  public static final int TOS_CS6 = 0xC0;

  public TransportConfig {
    destinations = List.copyOf(destinations);
    multicastInterfaces = List.copyOf(multicastInterfaces);
  }
}
