package dev.relais.agent.protocol;

import static dev.relais.agent.protocol.WireBytes.u16;
import static dev.relais.agent.protocol.WireBytes.u32;
import static dev.relais.agent.protocol.WireBytes.u48;
import static dev.relais.agent.protocol.WireBytes.uN;

import java.util.List;

/**
 * The bytes of a heartbeat in wire version 3 or 4 (docs/design/protocol.md, "Message format"): the
 * same fields in the same order, version 4 with narrower ones, no magic, a group table revision in
 * the header and, when the status byte's top bit says so, each entry's group as a 1-byte index into
 * that table instead of its 4-byte id. Stateless: the codec holds keys, tables and replay windows,
 * and a {@link Parsed} per thread for what {@link #check} found.
 */
final class WireFormat {
  static final int MAGIC = 0x524C; // "RL", version 3 only
  static final int ECHO_BYTES = 4 + 4 + 6 + 4;
  static final long MAX_U48 = (1L << 48) - 1;

  static final WireFormat V3 = new WireFormat(3, 2, 8, 8, 8, 8, 0, 4, 32, 4);
  static final WireFormat V4 = new WireFormat(4, 0, 4, 6, 6, 4, 4, 3, 16, 1);

  // Entry flags: the kind's code in the low two bits, then what is left out.
  private static final int KIND_MASK = 0x03;
  private static final int SAME_GROUP = 0x04; // the group of the entry before it
  private static final int RUN_EPOCH = 0x08; // the epoch of the first entry of this group's run
  // Version 4's status byte: the status in the low three bits, "groups as indices" on top.
  private static final int STATUS_MASK = 0x07;
  private static final int INDICES = 0x80;

  final int version;
  final int magicBytes;
  final int tagBytes;
  final int bootBytes;
  final int sequenceBytes;
  final int generationBytes;
  final int tableBytes;
  final int timingBytes;
  final int macBytes;
  final int indexBytes;

  /** Framing (magic, version, key id) up to the MAC's start of the body. */
  final int framingBytes;

  /** The smallest datagram: header, two counts, MAC. */
  final int minBytes;

  private WireFormat(
      int version,
      int magicBytes,
      int tagBytes,
      int bootBytes,
      int sequenceBytes,
      int generationBytes,
      int tableBytes,
      int timingBytes,
      int macBytes,
      int indexBytes) {
    this.version = version;
    this.magicBytes = magicBytes;
    this.tagBytes = tagBytes;
    this.bootBytes = bootBytes;
    this.sequenceBytes = sequenceBytes;
    this.generationBytes = generationBytes;
    this.tableBytes = tableBytes;
    this.timingBytes = timingBytes;
    this.macBytes = macBytes;
    this.indexBytes = indexBytes;
    this.framingBytes = magicBytes + 2;
    // tag, sender, boot, sequence, generation, table, path, status, priority 2, reach, timing 2x
    int header =
        framingBytes
            + tagBytes
            + 4
            + bootBytes
            + sequenceBytes
            + generationBytes
            + tableBytes
            + 5
            + 2 * timingBytes;
    this.minBytes = header + 2 + macBytes;
  }

  /** The largest heartbeat: every group claimed, offered and confirmed, an echo of every peer. */
  int worstCaseBytes(int nodes, int groups) {
    return minBytes + groups * (11 + 11 + 5) + (nodes - 1) * ECHO_BYTES;
  }

  /** Whether {@code hb}'s groups go out as indices: asked for, and into this config's table. */
  boolean indices(Heartbeat hb, WireTables t) {
    if (tableBytes == 0 || !hb.groupIndices() || hb.groupTable() != t.revision()) {
      return false;
    }
    var entries = hb.entries();
    for (int i = 0; i < entries.size(); i++) {
      if (t.groupIndex(entries.get(i).group()) < 0) {
        return false; // a group of another config (the machine's and ours differ for a moment)
      }
    }
    return true;
  }

  int encodedLength(Heartbeat hb, WireTables t) {
    int groupBytes = indices(hb, t) ? indexBytes : 4;
    int len = minBytes + hb.echoes().size() * ECHO_BYTES;
    var entries = hb.entries();
    for (int i = 0; i < entries.size(); i++) {
      int flags = flags(entries, i);
      len +=
          1
              + ((flags & SAME_GROUP) != 0 ? 0 : groupBytes)
              + ((flags & RUN_EPOCH) != 0 ? 0 : 6)
              + (entries.get(i).kind() == GroupEntry.Kind.CLAIM ? 0 : 4);
    }
    return len;
  }

  private static int flags(List<GroupEntry> entries, int i) {
    var e = entries.get(i);
    int flags = e.kind().code();
    if (i == 0 || !entries.get(i - 1).group().equals(e.group())) {
      return flags;
    }
    flags |= SAME_GROUP;
    int run = i - 1;
    while (run > 0 && entries.get(run - 1).group().equals(e.group())) {
      run--;
    }
    return entries.get(run).epoch() == e.epoch() ? flags | RUN_EPOCH : flags;
  }

  /** Writes everything before the MAC. */
  void write(Heartbeat hb, int keyId, WireTables t, WireBytes.Writer w) {
    boolean indices = indices(hb, t);
    if (magicBytes > 0) {
      w.u16(MAGIC);
    }
    w.u8(version);
    w.u8(keyId);
    w.uN(t.clusterTag64 >>> (64 - 8 * tagBytes), tagBytes);
    w.u32(t.id(hb.sender()));
    w.uN(fits(hb.bootEpoch(), bootBytes, "boot epoch"), bootBytes);
    w.uN(fits(hb.sequence(), sequenceBytes, "sequence"), sequenceBytes);
    w.uN(hb.configGeneration(), generationBytes); // v4: its low 32 bits, compared as serials
    w.uN(hb.groupTable(), tableBytes);
    w.u8(hb.path());
    w.u8(hb.status().ordinal() | (indices ? INDICES : 0));
    w.u16(hb.priority());
    w.u8(hb.pingReach());
    w.uN(fits(Integer.toUnsignedLong(hb.keepaliveMillis()), timingBytes, "keepalive"), timingBytes);
    w.uN(fits(Integer.toUnsignedLong(hb.deadTimeMillis()), timingBytes, "deadTime"), timingBytes);
    var entries = hb.entries();
    w.u8(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      var e = entries.get(i);
      int flags = flags(entries, i);
      w.u8(flags);
      if ((flags & SAME_GROUP) == 0) {
        if (indices) {
          w.u8(t.groupIndex(e.group()));
        } else {
          w.u32(t.id(e.group()));
        }
      }
      if ((flags & RUN_EPOCH) == 0) {
        w.u48(fits(e.epoch(), 6, "epoch"));
      }
      if (e.kind() != GroupEntry.Kind.CLAIM) {
        w.u32(t.id(e.peer()));
      }
    }
    w.u8(hb.echoes().size());
    for (var e : hb.echoes()) {
      w.u32(t.id(e.peer()));
      w.u32(e.bootTag());
      w.u48(fits(e.sequence(), 6, "echoed sequence"));
      w.u32(e.heldMicros());
    }
  }

  private static long fits(long v, int bytes, String what) {
    if (bytes < 8 && (v >>> (8 * bytes)) != 0) {
      throw new IllegalArgumentException(what + " " + v + " does not fit " + bytes + " bytes");
    }
    return v;
  }

  /** What {@link #check} found in an authentic datagram, for the replay window and the build. */
  static final class Parsed {
    int sender;
    long bootEpoch;
    long sequence;
    private long generation;
    private int groupTable;
    private boolean indices;
    private int table;
    private int fixed;
    private NodeStatus status;
    private int entriesStart;
    private int count;
    private int kept;
    private int echoesStart;
    private int echoCount;
    private int echoesKept;
  }

  /**
   * Checks an authentic datagram's body from {@code start} (after the key id) to {@code end} (the
   * MAC) without allocating; null when it is well formed, with {@code out} filled in.
   */
  RejectReason check(byte[] buf, int start, int end, WireTables t, Parsed out) {
    int p = start;
    if (uN(buf, p, tagBytes) != t.clusterTag64 >>> (64 - 8 * tagBytes)) {
      return RejectReason.FOREIGN_CLUSTER;
    }
    p += tagBytes;
    out.sender = WireTables.find(t.nodeIds, (int) u32(buf, p));
    if (out.sender < 0) {
      return RejectReason.UNKNOWN_NODE;
    }
    p += 4;
    out.bootEpoch = uN(buf, p, bootBytes);
    p += bootBytes;
    out.sequence = uN(buf, p, sequenceBytes);
    p += sequenceBytes;
    out.generation = uN(buf, p, generationBytes);
    p += generationBytes;
    out.groupTable = (int) uN(buf, p, tableBytes);
    p += tableBytes;
    out.fixed = p; // path, status, priority, ping reach, keepalive, deadTime
    int statusByte = buf[p + 1] & 0xFF;
    out.indices = tableBytes > 0 && (statusByte & INDICES) != 0;
    out.status = NodeStatus.ofCode(tableBytes > 0 ? statusByte & STATUS_MASK : statusByte);
    if (out.bootEpoch < 0
        || out.sequence < 0
        || out.generation < 0
        || out.status == null
        || (tableBytes > 0 && (statusByte & ~(STATUS_MASK | INDICES)) != 0)) {
      return RejectReason.MALFORMED;
    }
    p += 5 + 2 * timingBytes;
    out.table = -1;
    if (out.indices) {
      // Indices into a table we never ran (or no longer keep) cannot be read exactly: dropped,
      // never guessed. The sender uses them only into a table every peer advertised.
      out.table = t.table(out.groupTable);
      if (out.table < 0) {
        return RejectReason.UNKNOWN_GROUP_TABLE;
      }
    }
    int groupBytes = out.indices ? indexBytes : 4;
    out.count = buf[p++] & 0xFF;
    out.entriesStart = p;
    out.kept = 0;
    boolean keptGroup = false;
    for (int i = 0; i < out.count; i++) {
      if (p >= end) {
        return RejectReason.MALFORMED;
      }
      int flags = buf[p++] & 0xFF;
      var kind = GroupEntry.Kind.ofCode(flags & KIND_MASK);
      boolean sameGroup = (flags & SAME_GROUP) != 0;
      boolean runEpoch = (flags & RUN_EPOCH) != 0;
      int size =
          (sameGroup ? 0 : groupBytes)
              + (runEpoch ? 0 : 6)
              + (kind == GroupEntry.Kind.CLAIM ? 0 : 4);
      if (kind == null
          || (flags & ~(KIND_MASK | SAME_GROUP | RUN_EPOCH)) != 0
          || (sameGroup && i == 0)
          || (runEpoch && !sameGroup)
          || p + size > end) {
        return RejectReason.MALFORMED;
      }
      if (!sameGroup) {
        if (out.indices) {
          int index = buf[p] & 0xFF;
          if (index >= t.tableSize(out.table)) {
            return RejectReason.MALFORMED;
          }
          keptGroup = t.resolve(out.table, index) >= 0;
        } else {
          keptGroup = WireTables.find(t.groupIds, (int) u32(buf, p)) >= 0;
        }
        p += groupBytes;
      }
      if (!runEpoch) {
        if (u48(buf, p) < 1) {
          return RejectReason.MALFORMED;
        }
        p += 6;
      }
      boolean knownPeer = true;
      if (kind != GroupEntry.Kind.CLAIM) {
        knownPeer = WireTables.find(t.nodeIds, (int) u32(buf, p)) >= 0;
        p += 4;
      }
      // Groups or peers this config does not know (a rollout in progress) are skipped, not fatal.
      if (keptGroup && knownPeer) {
        out.kept++;
      }
    }
    if (p >= end) {
      return RejectReason.MALFORMED;
    }
    out.echoCount = buf[p++] & 0xFF;
    out.echoesStart = p;
    out.echoesKept = 0;
    if (p + out.echoCount * ECHO_BYTES != end) {
      return RejectReason.MALFORMED;
    }
    for (int i = 0; i < out.echoCount; i++, p += ECHO_BYTES) {
      if ((buf[p + 14] & 0x80) != 0) {
        return RejectReason.MALFORMED;
      }
      if (WireTables.find(t.nodeIds, (int) u32(buf, p)) >= 0) {
        out.echoesKept++;
      }
    }
    return null;
  }

  /** The message {@link #check} approved. */
  Heartbeat build(byte[] buf, WireTables t, Parsed in) {
    int f = in.fixed;
    return new Heartbeat(
        t.nodeNames[in.sender],
        in.bootEpoch,
        in.sequence,
        in.generation,
        buf[f] & 0xFF,
        in.status,
        u16(buf, f + 2),
        buf[f + 4] & 0xFF,
        (int) uN(buf, f + 5, timingBytes),
        (int) uN(buf, f + 5 + timingBytes, timingBytes),
        entries(buf, t, in),
        echoes(buf, t, in),
        version,
        in.groupTable,
        in.indices);
  }

  private static List<Echo> echoes(byte[] buf, WireTables t, Parsed in) {
    if (in.echoesKept == 0) {
      return List.of();
    }
    var out = new Echo[in.echoesKept];
    int k = 0;
    int p = in.echoesStart;
    for (int i = 0; i < in.echoCount; i++, p += ECHO_BYTES) {
      int peer = WireTables.find(t.nodeIds, (int) u32(buf, p));
      if (peer >= 0) {
        out[k++] =
            new Echo(
                t.nodeNames[peer], u48(buf, p + 8), (int) u32(buf, p + 14), (int) u32(buf, p + 4));
      }
    }
    return List.of(out);
  }

  private List<GroupEntry> entries(byte[] buf, WireTables t, Parsed in) {
    if (in.kept == 0) {
      return List.of();
    }
    var out = new GroupEntry[in.kept];
    int k = 0;
    int p = in.entriesStart;
    int group = -1;
    long epoch = 0;
    long runEpoch = 0;
    for (int i = 0; i < in.count; i++) {
      int flags = buf[p++] & 0xFF;
      var kind = GroupEntry.Kind.ofCode(flags & KIND_MASK);
      if ((flags & SAME_GROUP) == 0) {
        group =
            in.indices
                ? t.resolve(in.table, buf[p] & 0xFF)
                : WireTables.find(t.groupIds, (int) u32(buf, p));
        p += in.indices ? indexBytes : 4;
      }
      if ((flags & RUN_EPOCH) == 0) {
        epoch = u48(buf, p);
        p += 6;
        if ((flags & SAME_GROUP) == 0) {
          runEpoch = epoch;
        }
      } else {
        epoch = runEpoch;
      }
      int peer = -1;
      boolean knownPeer = true;
      if (kind != GroupEntry.Kind.CLAIM) {
        peer = WireTables.find(t.nodeIds, (int) u32(buf, p));
        knownPeer = peer >= 0;
        p += 4;
      }
      if (group >= 0 && knownPeer) {
        out[k++] =
            new GroupEntry(kind, t.groupNames[group], epoch, peer < 0 ? "" : t.nodeNames[peer]);
      }
    }
    return List.of(out);
  }
}
