package dev.relais.agent.protocol;

import static dev.relais.agent.protocol.WireBytes.u16;
import static dev.relais.agent.protocol.WireBytes.u32;
import static dev.relais.agent.protocol.WireBytes.u64;
import static dev.relais.agent.protocol.WireBytes.utf8;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wire version 2, kept so a rolling upgrade from it works (docs/design/protocol.md, "Wire
 * versions"): names as one length byte plus UTF-8, echoes without the boot epoch. A version 3 node
 * reads it and, while a peer speaks nothing newer, also sends it. Framing and MAC are the codec's;
 * this class lays out and checks the bytes between them. One thread, like the codec.
 */
final class WireFormatV2 {
  static final int VERSION = 2;
  // magic, version, key id, two name lengths, 37 bytes of fixed fields, two counts, the MAC.
  static final int MIN_BYTES = 4 + 1 + 1 + 37 + 2 + HeartbeatCodec.MAC_BYTES;

  private final Map<String, byte[]> encodedNames = new HashMap<>();
  private byte[] clusterBytes;
  private byte[][] nodeBytes;
  private byte[][] groupBytes;
  private String[] nodeNames;
  private String[] groupNames;

  // What check() found, for the codec's replay window and build().
  int sender;
  long bootEpoch;
  long sequence;
  private int fixed;
  private int entriesStart;
  private int count;
  private int kept;
  private int echoesStart;
  private int echoCount;
  private int echoesKept;

  void reconfigure(ProtocolConfig config, String[] nodes, String[] groups) {
    clusterBytes = utf8(config.clusterId());
    nodeNames = nodes;
    groupNames = groups;
    nodeBytes = new byte[nodes.length][];
    groupBytes = new byte[groups.length][];
    encodedNames.clear();
    encodedNames.put("", new byte[0]);
    for (int i = 0; i < nodes.length; i++) {
      nodeBytes[i] = utf8(nodes[i]);
      encodedNames.put(nodes[i], nodeBytes[i]);
    }
    for (int i = 0; i < groups.length; i++) {
      groupBytes[i] = utf8(groups[i]);
      encodedNames.put(groups[i], groupBytes[i]);
    }
  }

  /** The cluster tag of a version 2 datagram (its cluster name hashed), or 0 if it has none. */
  static long peekTag(byte[] buf, int offset, int length) {
    int clusterLen = buf[offset + 4] & 0xFF;
    if (5 + clusterLen > length - HeartbeatCodec.MAC_BYTES) {
      return 0;
    }
    var name = new byte[clusterLen];
    System.arraycopy(buf, offset + 5, name, 0, clusterLen);
    return WireBytes.tag64(name);
  }

  int encodedLength(Heartbeat hb) {
    int len = MIN_BYTES + clusterBytes.length + name(hb.sender()).length;
    for (var e : hb.entries()) {
      len += 1 + 1 + name(e.group()).length + 8 + 1 + name(e.peer()).length;
    }
    for (var e : hb.echoes()) {
      len += 1 + name(e.peer()).length + 8 + 4;
    }
    return len;
  }

  /** Writes everything after magic, version and key id; returns the position of the MAC. */
  int write(Heartbeat hb, WireBytes.Writer w) {
    w.name(clusterBytes);
    w.name(name(hb.sender()));
    w.u64(hb.bootEpoch());
    w.u64(hb.sequence());
    w.u64(hb.configGeneration());
    w.u8(hb.path());
    w.u8(hb.status().ordinal());
    w.u16(hb.priority());
    w.u8(hb.pingReach());
    w.u32(hb.keepaliveMillis());
    w.u32(hb.deadTimeMillis());
    w.u8(hb.entries().size());
    for (var e : hb.entries()) {
      w.u8(e.kind().code());
      w.name(name(e.group()));
      w.u64(e.epoch());
      w.name(name(e.peer()));
    }
    w.u8(hb.echoes().size());
    for (var e : hb.echoes()) {
      w.name(name(e.peer()));
      w.u64(e.sequence());
      w.u32(e.heldMicros());
    }
    return w.pos;
  }

  /**
   * Checks an authentic datagram's body from {@code start} (after the key id) to {@code end} (the
   * MAC) without allocating; null when it is well formed, with {@link #sender}, {@link #bootEpoch}
   * and {@link #sequence} set.
   */
  RejectReason check(byte[] buf, int start, int end) {
    int p = start;
    int clusterLen = buf[p++] & 0xFF;
    if (p + clusterLen > end) {
      return RejectReason.MALFORMED;
    }
    if (!sameBytes(clusterBytes, buf, p, clusterLen)) {
      return RejectReason.FOREIGN_CLUSTER;
    }
    p += clusterLen;
    if (p >= end) {
      return RejectReason.MALFORMED;
    }
    int senderLen = buf[p++] & 0xFF;
    if (p + senderLen + 38 > end) {
      return RejectReason.MALFORMED;
    }
    sender = find(nodeBytes, buf, p, senderLen);
    if (sender < 0) {
      return RejectReason.UNKNOWN_NODE;
    }
    p += senderLen;
    fixed = p;
    bootEpoch = u64(buf, p);
    sequence = u64(buf, p + 8);
    long generation = u64(buf, p + 16);
    var status = NodeStatus.ofCode(buf[p + 25] & 0xFF);
    if (bootEpoch < 0 || sequence < 0 || generation < 0 || status == null) {
      return RejectReason.MALFORMED;
    }
    p += 37;
    count = buf[p++] & 0xFF;
    entriesStart = p;
    kept = 0;
    for (int i = 0; i < count; i++) {
      if (p + 2 > end) {
        return RejectReason.MALFORMED;
      }
      var kind = GroupEntry.Kind.ofCode(buf[p] & 0xFF);
      int groupLen = buf[p + 1] & 0xFF;
      p += 2;
      if (kind == null || groupLen == 0 || p + groupLen + 9 > end) {
        return RejectReason.MALFORMED;
      }
      int group = find(groupBytes, buf, p, groupLen);
      p += groupLen;
      long epoch = u64(buf, p);
      int peerLen = buf[p + 8] & 0xFF;
      p += 9;
      if (epoch < 1 || (kind == GroupEntry.Kind.CLAIM) != (peerLen == 0) || p + peerLen > end) {
        return RejectReason.MALFORMED;
      }
      // Groups or peers this config does not know (a rollout in progress) are skipped, not fatal.
      if (group >= 0 && (peerLen == 0 || find(nodeBytes, buf, p, peerLen) >= 0)) {
        kept++;
      }
      p += peerLen;
    }
    if (p >= end) {
      return RejectReason.MALFORMED;
    }
    echoCount = buf[p++] & 0xFF;
    echoesStart = p;
    echoesKept = 0;
    for (int i = 0; i < echoCount; i++) {
      int peerLen = p < end ? buf[p] & 0xFF : 0;
      if (peerLen == 0 || p + 1 + peerLen + 12 > end) {
        return RejectReason.MALFORMED;
      }
      if (u64(buf, p + 1 + peerLen) < 0 || (buf[p + 1 + peerLen + 8] & 0x80) != 0) {
        return RejectReason.MALFORMED;
      }
      if (find(nodeBytes, buf, p + 1, peerLen) >= 0) {
        echoesKept++;
      }
      p += 1 + peerLen + 12;
    }
    return p == end ? null : RejectReason.MALFORMED;
  }

  /** The message {@link #check} approved. */
  Heartbeat build(byte[] buf) {
    return new Heartbeat(
        nodeNames[sender],
        bootEpoch,
        sequence,
        u64(buf, fixed + 16),
        buf[fixed + 24] & 0xFF,
        NodeStatus.ofCode(buf[fixed + 25] & 0xFF),
        u16(buf, fixed + 26),
        buf[fixed + 28] & 0xFF,
        (int) u32(buf, fixed + 29),
        (int) u32(buf, fixed + 33),
        entries(buf),
        echoes(buf),
        VERSION);
  }

  private List<Echo> echoes(byte[] buf) {
    if (echoesKept == 0) {
      return List.of();
    }
    var out = new Echo[echoesKept];
    int k = 0;
    int p = echoesStart;
    for (int i = 0; i < echoCount; i++) {
      int peerLen = buf[p] & 0xFF;
      int peer = find(nodeBytes, buf, p + 1, peerLen);
      p += 1 + peerLen;
      if (peer >= 0) {
        out[k++] = new Echo(nodeNames[peer], u64(buf, p), (int) u32(buf, p + 8));
      }
      p += 12;
    }
    return List.of(out);
  }

  private List<GroupEntry> entries(byte[] buf) {
    if (kept == 0) {
      return List.of();
    }
    var out = new GroupEntry[kept];
    int k = 0;
    int p = entriesStart;
    for (int i = 0; i < count; i++) {
      var kind = GroupEntry.Kind.ofCode(buf[p] & 0xFF);
      int groupLen = buf[p + 1] & 0xFF;
      int group = find(groupBytes, buf, p + 2, groupLen);
      p += 2 + groupLen;
      long epoch = u64(buf, p);
      int peerLen = buf[p + 8] & 0xFF;
      p += 9;
      int peer = peerLen == 0 ? -1 : find(nodeBytes, buf, p, peerLen);
      p += peerLen;
      if (group >= 0 && (peerLen == 0 || peer >= 0)) {
        out[k++] = new GroupEntry(kind, groupNames[group], epoch, peer < 0 ? "" : nodeNames[peer]);
      }
    }
    return List.of(out);
  }

  private static int find(byte[][] names, byte[] buf, int p, int len) {
    for (int i = 0; i < names.length; i++) {
      if (sameBytes(names[i], buf, p, len)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sameBytes(byte[] name, byte[] buf, int p, int len) {
    if (name.length != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (name[i] != buf[p + i]) {
        return false;
      }
    }
    return true;
  }

  /** Names of this config are encoded once; others (a newer config's groups) on the fly. */
  private byte[] name(String s) {
    var cached = encodedNames.get(s);
    return cached != null ? cached : utf8(s);
  }
}
