package dev.relais.agent.transport;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** Where one heartbeat socket is bound, and whether it broadcasts or joins a multicast group. */
public record TransportConfig(
    int port,
    Optional<InetAddress> bindAddress,
    boolean broadcast,
    Optional<InetAddress> multicastGroup,
    List<String> multicastInterfaces,
    int multicastTtl) {
  /** DSCP CS6 (network control, RFC 4594 §3.1) in the TOS byte: 48 << 2. */
  public static final int TOS_CS6 = 0xC0;

  public TransportConfig {
    multicastInterfaces = List.copyOf(multicastInterfaces);
  }
}
