package dev.relais.model;

import dev.relais.api.v1alpha1.Transport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Heartbeat timing and transport, heartbeat's semantics (heartbeat-3.md §3.2). */
public record Timing(
    Duration keepalive,
    Duration warnTime,
    Duration deadTime,
    Duration initDead,
    int port,
    Transport transport,
    List<String> interfaces,
    Optional<InetAddress> multicastGroup,
    int multicastTtl) {
  public Timing {
    interfaces = List.copyOf(interfaces);
    if (deadTime.compareTo(keepalive.multipliedBy(2)) <= 0) {
      throw new IllegalArgumentException("deadTime must be more than twice keepalive");
    }
  }
}
