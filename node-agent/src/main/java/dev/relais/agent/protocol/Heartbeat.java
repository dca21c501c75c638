package dev.relais.agent.protocol;

import java.util.List;

/**
 * The one message of the protocol, sent every keepalive on every path and at once on a change. The
 * sender advertises its own keepalive and deadTime so receivers judge it by its values (heartbeat's
 * {@code dt} field), its ping reach for the ipfail rule, and its group entries. {@code sequence} is
 * unique per datagram within one {@code bootEpoch}, across paths.
 */
public record Heartbeat(
    String sender,
    long bootEpoch,
    long sequence,
    long configGeneration,
    int path,
    NodeStatus status,
    int priority,
    int pingReach,
    int keepaliveMillis,
    int deadTimeMillis,
    List<GroupEntry> entries,
    List<Echo> echoes) {

  public Heartbeat {
    entries = List.copyOf(entries);
    echoes = List.copyOf(echoes);
    if (bootEpoch < 0 || sequence < 0 || configGeneration < 0) {
      throw new IllegalArgumentException("epoch, sequence and generation are unsigned");
    }
    if (path < 0 || path > 0xFF || pingReach < 0 || pingReach > 0xFF) {
      throw new IllegalArgumentException("path and pingReach are one byte");
    }
    if (priority < 0 || priority > 0xFFFF) {
      throw new IllegalArgumentException("priority is two bytes");
    }
  }

  /** The sender's advertised deadTime in nanoseconds (unsigned millis on the wire). */
  public long deadTimeNanos() {
    return Integer.toUnsignedLong(deadTimeMillis) * 1_000_000L;
  }
}
