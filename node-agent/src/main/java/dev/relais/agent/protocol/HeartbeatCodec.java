package dev.relais.agent.protocol;

import dev.relais.agent.protocol.DecodeResult.Accepted;
import dev.relais.agent.protocol.DecodeResult.Rejected;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The heartbeat wire format (docs/design/protocol.md, "Message format"): big-endian, names as one
 * length byte plus UTF-8, HMAC-SHA256 over every byte before the trailing 32-byte MAC. Only the
 * framing (magic, version, key id) is read before the MAC is verified, and those bytes are covered
 * by it. Decoding resolves names against the config's own strings, so an accepted heartbeat holds
 * no copied names and a rejection allocates nothing.
 *
 * <p>Stateful (an HMAC with its digests per key, a scratch buffer, the replay windows): confined to
 * one thread, the runtime's event loop.
 */
public final class HeartbeatCodec {
  static final int MAGIC = 0x524C; // "RL"
  static final int VERSION = 2; // 2: echoes after the entries
  static final int MAC_BYTES = 32;
  // magic 2, version 1, key id 1, two name lengths, 38 bytes of fixed fields, echo count, the MAC.
  static final int FIXED_BYTES = 4 + 1 + 1 + 38 + 1;
  static final int MIN_BYTES = FIXED_BYTES + MAC_BYTES + 2;

  private final byte[] macScratch = new byte[MAC_BYTES];
  private final Map<String, ReplayWindow> windowsByName = new HashMap<>();
  private final Map<String, byte[]> encodedNames = new HashMap<>();
  private HmacSha256[] macs;
  private int activeKeyId;
  private byte[] clusterBytes;
  private String self;
  private String[] nodeNames;
  private byte[][] nodeBytes;
  private ReplayWindow[] windows;
  private String[] groupNames;
  private byte[][] groupBytes;

  public HeartbeatCodec(ProtocolConfig config) {
    reconfigure(config);
  }

  /** Takes a new config generation; replay windows of nodes still listed are kept. */
  public void reconfigure(ProtocolConfig config) {
    var ring = config.keyring();
    var newMacs = new HmacSha256[256];
    for (int id : ring.keys().keySet()) {
      newMacs[id] = new HmacSha256(ring.key(id));
    }
    macs = newMacs;
    activeKeyId = ring.activeKeyId();
    clusterBytes = utf8(config.clusterId());
    self = config.self();
    int n = config.nodes().size();
    nodeNames = new String[n];
    nodeBytes = new byte[n][];
    windows = new ReplayWindow[n];
    for (int i = 0; i < n; i++) {
      nodeNames[i] = config.nodes().get(i).name();
      nodeBytes[i] = utf8(nodeNames[i]);
      windows[i] = windowsByName.computeIfAbsent(nodeNames[i], k -> new ReplayWindow());
    }
    windowsByName.keySet().retainAll(List.of(nodeNames));
    encodedNames.clear();
    encodedNames.put("", new byte[0]);
    for (int i = 0; i < n; i++) {
      encodedNames.put(nodeNames[i], nodeBytes[i]);
    }
    int g = config.groups().size();
    groupNames = new String[g];
    groupBytes = new byte[g][];
    for (int i = 0; i < g; i++) {
      groupNames[i] = config.groups().get(i).name();
      groupBytes[i] = utf8(groupNames[i]);
      encodedNames.put(groupNames[i], groupBytes[i]);
    }
  }

  /**
   * The 64-bit tag that names {@code clusterId} on the wire: the first 8 bytes of the SHA-256 of
   * its UTF-8 form, read big-endian. A runtime that shares one socket among several clusters maps
   * each configured cluster's tag to its codec and routes by {@link #peekClusterTag}.
   */
  public static long clusterTag(String clusterId) {
    return tagOf(utf8(clusterId));
  }

  /**
   * The cluster tag of a datagram, read without verifying it (nothing read here is trusted: the
   * cluster's own codec then checks the MAC and the cluster). Empty for anything that is not a
   * heartbeat of a version this build reads. Never throws.
   */
  public static OptionalLong peekClusterTag(byte[] buf, int offset, int length) {
    if (offset < 0 || length < MIN_BYTES || offset > buf.length - length) {
      return OptionalLong.empty();
    }
    if (u16(buf, offset) != MAGIC || (buf[offset + 2] & 0xFF) != VERSION) {
      return OptionalLong.empty();
    }
    int clusterLen = buf[offset + 4] & 0xFF;
    if (5 + clusterLen > length - MAC_BYTES) {
      return OptionalLong.empty();
    }
    var name = new byte[clusterLen];
    System.arraycopy(buf, offset + 5, name, 0, clusterLen);
    return OptionalLong.of(tagOf(name));
  }

  private static long tagOf(byte[] bytes) {
    try {
      return u64(MessageDigest.getInstance("SHA-256").digest(bytes), 0);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The exact datagram size of {@code hb}. */
  public int encodedLength(Heartbeat hb) {
    int len = FIXED_BYTES + clusterBytes.length + name(hb.sender()).length + MAC_BYTES;
    for (var e : hb.entries()) {
      len += 1 + 1 + name(e.group()).length + 8 + 1 + name(e.peer()).length;
    }
    for (var e : hb.echoes()) {
      len += 1 + name(e.peer()).length + 8 + 4;
    }
    return len;
  }

  /** Encodes and signs with the active key into {@code out} at {@code offset}; returns the size. */
  public int encode(Heartbeat hb, byte[] out, int offset) {
    int len = encodedLength(hb);
    if (hb.entries().size() > 0xFF
        || hb.echoes().size() > 0xFF
        || offset < 0
        || out.length - offset < len) {
      throw new IllegalArgumentException("heartbeat of " + len + " bytes does not fit");
    }
    var w = new Writer(out, offset);
    w.u16(MAGIC);
    w.u8(VERSION);
    w.u8(activeKeyId);
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
    macs[activeKeyId].mac(out, offset, w.pos - offset, out, w.pos);
    return len;
  }

  /** Convenience for tests and tools: a fresh array holding one signed datagram. */
  public byte[] encode(Heartbeat hb) {
    var out = new byte[encodedLength(hb)];
    encode(hb, out, 0);
    return out;
  }

  /**
   * Verifies and decodes one datagram. Never throws on any input; records the sequence in the
   * sender's replay window only when the datagram is accepted.
   */
  public DecodeResult decode(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      return Rejected.of(RejectReason.TRUNCATED);
    }
    if (length < MIN_BYTES) {
      return Rejected.of(RejectReason.TRUNCATED);
    }
    if (u16(buf, offset) != MAGIC) {
      return Rejected.of(RejectReason.BAD_MAGIC);
    }
    if ((buf[offset + 2] & 0xFF) != VERSION) {
      return Rejected.of(RejectReason.BAD_VERSION);
    }
    int keyId = buf[offset + 3] & 0xFF;
    var mac = macs[keyId];
    if (mac == null) {
      return Rejected.of(RejectReason.UNKNOWN_KEY);
    }
    int end = offset + length - MAC_BYTES;
    mac.mac(buf, offset, end - offset, macScratch, 0);
    int diff = 0; // constant time: no early exit that leaks how many bytes matched
    for (int i = 0; i < MAC_BYTES; i++) {
      diff |= macScratch[i] ^ buf[end + i];
    }
    if (diff != 0) {
      return Rejected.of(RejectReason.BAD_MAC);
    }
    return parseAuthentic(buf, offset + 4, end, keyId);
  }

  private DecodeResult parseAuthentic(byte[] buf, int start, int end, int keyId) {
    // Pass 1 checks everything without allocating; pass 2 builds the message.
    int p = start;
    int clusterLen = buf[p++] & 0xFF;
    if (p + clusterLen > end) {
      return Rejected.of(RejectReason.MALFORMED);
    }
    if (!sameBytes(clusterBytes, buf, p, clusterLen)) {
      return Rejected.of(RejectReason.FOREIGN_CLUSTER);
    }
    p += clusterLen;
    if (p >= end) {
      return Rejected.of(RejectReason.MALFORMED);
    }
    int senderLen = buf[p++] & 0xFF;
    if (p + senderLen + 38 > end) {
      return Rejected.of(RejectReason.MALFORMED);
    }
    int sender = find(nodeBytes, buf, p, senderLen);
    if (sender < 0) {
      return Rejected.of(RejectReason.UNKNOWN_NODE);
    }
    if (nodeNames[sender].equals(self)) {
      return Rejected.of(RejectReason.OWN_MESSAGE);
    }
    p += senderLen;
    int fixed = p;
    long bootEpoch = u64(buf, p);
    long sequence = u64(buf, p + 8);
    long generation = u64(buf, p + 16);
    var status = NodeStatus.ofCode(buf[p + 25] & 0xFF);
    if (bootEpoch < 0 || sequence < 0 || generation < 0 || status == null) {
      return Rejected.of(RejectReason.MALFORMED);
    }
    p += 37;
    int count = buf[p++] & 0xFF;
    int entriesStart = p;
    int kept = 0;
    for (int i = 0; i < count; i++) {
      if (p + 2 > end) {
        return Rejected.of(RejectReason.MALFORMED);
      }
      var kind = GroupEntry.Kind.ofCode(buf[p] & 0xFF);
      int groupLen = buf[p + 1] & 0xFF;
      p += 2;
      if (kind == null || groupLen == 0 || p + groupLen + 9 > end) {
        return Rejected.of(RejectReason.MALFORMED);
      }
      int group = find(groupBytes, buf, p, groupLen);
      p += groupLen;
      long epoch = u64(buf, p);
      int peerLen = buf[p + 8] & 0xFF;
      p += 9;
      if (epoch < 1 || (kind == GroupEntry.Kind.CLAIM) != (peerLen == 0) || p + peerLen > end) {
        return Rejected.of(RejectReason.MALFORMED);
      }
      // Groups or peers this config does not know (a rollout in progress) are skipped, not fatal.
      if (group >= 0 && (peerLen == 0 || find(nodeBytes, buf, p, peerLen) >= 0)) {
        kept++;
      }
      p += peerLen;
    }
    if (p >= end) {
      return Rejected.of(RejectReason.MALFORMED);
    }
    int echoCount = buf[p++] & 0xFF;
    int echoesStart = p;
    int echoesKept = 0;
    for (int i = 0; i < echoCount; i++) {
      int peerLen = p < end ? buf[p] & 0xFF : 0;
      if (peerLen == 0 || p + 1 + peerLen + 12 > end) {
        return Rejected.of(RejectReason.MALFORMED);
      }
      if (u64(buf, p + 1 + peerLen) < 0 || (buf[p + 1 + peerLen + 8] & 0x80) != 0) {
        return Rejected.of(RejectReason.MALFORMED);
      }
      if (find(nodeBytes, buf, p + 1, peerLen) >= 0) {
        echoesKept++;
      }
      p += 1 + peerLen + 12;
    }
    if (p != end) {
      return Rejected.of(RejectReason.MALFORMED);
    }
    var window = windows[sender];
    if (!window.isFresh(bootEpoch, sequence)) {
      return Rejected.of(RejectReason.REPLAY);
    }
    window.record(bootEpoch, sequence);
    return new Accepted(
        new Heartbeat(
            nodeNames[sender],
            bootEpoch,
            sequence,
            generation,
            buf[fixed + 24] & 0xFF,
            status,
            u16(buf, fixed + 26),
            buf[fixed + 28] & 0xFF,
            (int) u32(buf, fixed + 29),
            (int) u32(buf, fixed + 33),
            entries(buf, entriesStart, count, kept),
            echoes(buf, echoesStart, echoCount, echoesKept)),
        keyId);
  }

  private List<Echo> echoes(byte[] buf, int p, int count, int kept) {
    if (kept == 0) {
      return List.of();
    }
    var out = new Echo[kept];
    int k = 0;
    for (int i = 0; i < count; i++) {
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

  private List<GroupEntry> entries(byte[] buf, int p, int count, int kept) {
    if (kept == 0) {
      return List.of();
    }
    var out = new GroupEntry[kept];
    int k = 0;
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

  private static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }

  private static long u32(byte[] b, int p) {
    return ((long) u16(b, p) << 16) | u16(b, p + 2);
  }

  private static long u64(byte[] b, int p) {
    return (u32(b, p) << 32) | u32(b, p + 4);
  }

  /** Names of this config are encoded once; others (a newer config's groups) on the fly. */
  private byte[] name(String s) {
    var cached = encodedNames.get(s);
    return cached != null ? cached : utf8(s);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Big-endian writer over a caller's array. */
  private static final class Writer {
    private final byte[] out;
    private int pos;

    Writer(byte[] out, int pos) {
      this.out = out;
      this.pos = pos;
    }

    void u8(int v) {
      out[pos++] = (byte) v;
    }

    void u16(int v) {
      u8(v >>> 8);
      u8(v);
    }

    void u32(int v) {
      u16(v >>> 16);
      u16(v);
    }

    void u64(long v) {
      u32((int) (v >>> 32));
      u32((int) v);
    }

    void name(byte[] bytes) {
      u8(bytes.length);
      System.arraycopy(bytes, 0, out, pos, bytes.length);
      pos += bytes.length;
    }
  }
}
