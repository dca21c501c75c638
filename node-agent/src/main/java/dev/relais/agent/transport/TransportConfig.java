package dev.relais.agent.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * Where one heartbeat socket is bound, and whether it broadcasts or joins a multicast group.
 *
 * <p>{@code connectedTo}: the socket is connected to one peer's address and port, so the kernel
 * queues that peer's datagrams on it and nobody else's (a connected socket outranks an unconnected
 * one on the same address and port), and a flood from other hosts cannot push the peer's heartbeats
 * out of a full receive buffer. {@code sendInterface}: the interface multicast sent from this
 * socket leaves by ({@code IP_MULTICAST_IF}), so each path keeps to its own link.
 */
public record TransportConfig(
    int port,
    Optional<InetAddress> bindAddress,
    boolean broadcast,
    Optional<InetAddress> multicastGroup,
    List<String> multicastInterfaces,
    int multicastTtl,
    Optional<InetSocketAddress> connectedTo,
    Optional<String> sendInterface,
    int readsPerSecond) {
  /** DSCP CS6 (network control, RFC 4594 §3.1) in the TOS byte: 48 << 2. */
  public static final int TOS_CS6 = 0xC0;

  public TransportConfig {
    multicastInterfaces = List.copyOf(multicastInterfaces);
    if (readsPerSecond < 0) {
      throw new IllegalArgumentException("readsPerSecond must be 0 (no bound) or more");
    }
  }

  public TransportConfig(
      int port,
      Optional<InetAddress> bindAddress,
      boolean broadcast,
      Optional<InetAddress> multicastGroup,
      List<String> multicastInterfaces,
      int multicastTtl) {
    this(
        port,
        bindAddress,
        broadcast,
        multicastGroup,
        multicastInterfaces,
        multicastTtl,
        Optional.empty(),
        Optional.empty(),
        0);
  }

  /** The same binding, connected to {@code peer}: it receives that peer's datagrams only. */
  public TransportConfig connectedTo(InetSocketAddress peer) {
    return new TransportConfig(
        port,
        bindAddress,
        broadcast,
        multicastGroup,
        multicastInterfaces,
        multicastTtl,
        Optional.of(peer),
        sendInterface,
        0);
  }

  /** The same binding, read at most {@code perSecond} datagrams a second. */
  public TransportConfig readingAtMost(int perSecond) {
    return new TransportConfig(
        port,
        bindAddress,
        broadcast,
        multicastGroup,
        multicastInterfaces,
        multicastTtl,
        connectedTo,
        sendInterface,
        perSecond);
  }
}
