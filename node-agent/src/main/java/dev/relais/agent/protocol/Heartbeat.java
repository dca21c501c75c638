package dev.relais.agent.protocol;

import java.util.List;

/**
 * The one message of the protocol, sent every keepalive on every path and at once on a change. The
 * sender advertises its own keepalive and deadTime so receivers judge it by its values (heartbeat's
 * {@code dt} field), its ping reach for the ipfail rule, and its group entries. {@code sequence} is
 * unique per datagram within one {@code bootEpoch}, across paths. {@code wireVersion} is the wire
 * version it was received in, or is to be sent in (docs/design/protocol.md, "Wire versions").
 * {@code groupTable} is the revision of the sender's group table (version 4; 0 for none), and
 * {@code groupIndices} whether its entries' groups travel as indices into that table ("Group
 * indices"; the encoder falls back to ids when the table is not its own).
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
    List<Echo> echoes,
    int wireVersion,
    int groupTable,
    boolean groupIndices) {

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
    if (wireVersion < HeartbeatCodec.OLDEST_VERSION || wireVersion > HeartbeatCodec.VERSION) {
      throw new IllegalArgumentException("wire version " + wireVersion + " is not spoken here");
    }
    if (wireVersion < 4 && (groupTable != 0 || groupIndices)) {
      throw new IllegalArgumentException("group tables are version 4");
    }
  }

  /** A heartbeat of wire version {@code wireVersion} that advertises no group table. */
  public Heartbeat(
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
      List<Echo> echoes,
      int wireVersion) {
    this(
        sender,
        bootEpoch,
        sequence,
        configGeneration,
        path,
        status,
        priority,
        pingReach,
        keepaliveMillis,
        deadTimeMillis,
        entries,
        echoes,
        wireVersion,
        0,
        false);
  }

  /** A heartbeat of the current wire version. */
  public Heartbeat(
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
    this(
        sender,
        bootEpoch,
        sequence,
        configGeneration,
        path,
        status,
        priority,
        pingReach,
        keepaliveMillis,
        deadTimeMillis,
        entries,
        echoes,
        HeartbeatCodec.VERSION);
  }

  /** The same heartbeat with other group entries (the runtime withholds unannounced claims). */
  public Heartbeat withEntries(List<GroupEntry> newEntries) {
    return copy(newEntries, wireVersion, groupTable, groupIndices);
  }

  /** The same heartbeat, to be sent in wire version {@code version} (3 has no group table). */
  public Heartbeat inVersion(int version) {
    boolean tables = version >= 4;
    return copy(entries, version, tables ? groupTable : 0, tables && groupIndices);
  }

  /** The same heartbeat advertising group table {@code table}, its groups as indices or not. */
  public Heartbeat withGroupTable(int table, boolean indices) {
    return copy(entries, wireVersion, table, indices);
  }

  private Heartbeat copy(List<GroupEntry> newEntries, int version, int table, boolean indices) {
    return new Heartbeat(
        sender,
        bootEpoch,
        sequence,
        configGeneration,
        path,
        status,
        priority,
        pingReach,
        keepaliveMillis,
        deadTimeMillis,
        newEntries,
        echoes,
        version,
        table,
        indices);
  }

  /** The sender's advertised deadTime in nanoseconds (unsigned millis on the wire). */
  public long deadTimeNanos() {
    return Integer.toUnsignedLong(deadTimeMillis) * 1_000_000L;
  }
}
