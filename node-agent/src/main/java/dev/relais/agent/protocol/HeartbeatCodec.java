package dev.relais.agent.protocol;

import static dev.relais.agent.protocol.WireBytes.u16;
import static dev.relais.agent.protocol.WireBytes.u32;
import static dev.relais.agent.protocol.WireBytes.u48;
import static dev.relais.agent.protocol.WireBytes.u64;

import dev.relais.agent.protocol.DecodeResult.Accepted;
import dev.relais.agent.protocol.DecodeResult.Rejected;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The heartbeat wire format (docs/design/protocol.md, "Message format"): big-endian; the cluster,
 * nodes and groups named by SHA-256 ids, so a heartbeat's size depends on how many nodes and groups
 * there are, never on how long their names are; HMAC-SHA256 over every byte before the trailing
 * 32-byte MAC. Only the framing (magic, version, key id) is read before the MAC is verified, and
 * those bytes are covered by it. Decoding resolves ids against the config's own names, so an
 * accepted heartbeat holds no copied names and a rejection allocates nothing. Version 2 ({@link
 * WireFormatV2}) is still read and written for rolling upgrades.
 *
 * <p>Stateful (an HMAC with its digests per key, a scratch buffer, the replay windows): confined to
 * one thread, the runtime's event loop.
 */
public final class HeartbeatCodec {
  static final int MAGIC = 0x524C; // "RL"

  /** 3: ids instead of names, 48-bit epochs, echoes carry the echoed boot. */
  public static final int VERSION = 3;

  /** The oldest version this build reads and writes (docs/design/protocol.md, "Wire versions"). */
  public static final int OLDEST_VERSION = WireFormatV2.VERSION;

  /**
   * The largest heartbeat a valid config may produce: what IPv6's minimum MTU (1,280, RFC 8200 §5)
   * leaves for a UDP payload, so no path fragments it. The worst case of the CRD's bounds (16
   * nodes, 32 groups) is 1,221 bytes ({@link #worstCaseBytes}); dev.relais.model.HeartbeatSize
   * holds the same formula for the validator, and a test holds both to this encoder.
   */
  public static final int MAX_DATAGRAM_BYTES = 1232;

  static final int MAC_BYTES = 32;
  // magic 2, version 1, key id 1, cluster tag 8, sender 4, then boot epoch, sequence, generation
  // (8 each), path, status (1 each), priority 2, ping reach 1, keepalive, deadTime (4 each).
  static final int HEADER_BYTES = 4 + 8 + 4 + 37;
  static final int MIN_BYTES = HEADER_BYTES + 2 + MAC_BYTES;
  static final int ECHO_BYTES = 4 + 4 + 6 + 4;
  static final long MAX_U48 = (1L << 48) - 1;

  // Entry flags: the kind's code in the low two bits, then what is left out.
  private static final int KIND_MASK = 0x03;
  private static final int SAME_GROUP = 0x04; // the group of the entry before it
  private static final int RUN_EPOCH = 0x08; // the epoch of the first entry of this group's run

  private final byte[] macScratch = new byte[MAC_BYTES];
  private final Map<String, ReplayWindow> windowsByName = new HashMap<>();
  private final Map<String, Integer> ids = new HashMap<>();
  private final WireFormatV2 v2 = new WireFormatV2();
  private final int highestVersion;
  private HmacSha256[] macs;
  private int activeKeyId;
  private long clusterTag;
  private String self;
  private String[] nodeNames;
  private int[] nodeIds;
  private ReplayWindow[] windows;
  private String[] groupNames;
  private int[] groupIds;

  public HeartbeatCodec(ProtocolConfig config) {
    this(config, VERSION);
  }

  /** A codec that speaks at most {@code highestVersion}: tests play an older node with it. */
  HeartbeatCodec(ProtocolConfig config, int highestVersion) {
    this.highestVersion = highestVersion;
    reconfigure(config);
  }

  /**
   * The largest heartbeat a node of {@code nodes} nodes and {@code groups} groups sends: every
   * group held with an offer out and a confirmation still repeated (claim 11 bytes, offer 11,
   * confirm 5), and an echo of every peer.
   */
  public static int worstCaseBytes(int nodes, int groups) {
    return MIN_BYTES + groups * (11 + 11 + 5) + (nodes - 1) * ECHO_BYTES;
  }

  /** Takes a new config generation; replay windows of nodes still listed are kept. */
  public void reconfigure(ProtocolConfig config) {
    int n = config.nodes().size();
    int g = config.groups().size();
    if (worstCaseBytes(n, g) > MAX_DATAGRAM_BYTES) {
      throw new IllegalArgumentException(
          "heartbeats of "
              + n
              + " nodes and "
              + g
              + " groups could reach "
              + worstCaseBytes(n, g)
              + " bytes, more than "
              + MAX_DATAGRAM_BYTES);
    }
    var names = new String[n];
    var nIds = new int[n];
    var gNames = new String[g];
    var gIds = new int[g];
    var newIds = new HashMap<String, Integer>();
    for (int i = 0; i < n; i++) {
      names[i] = config.nodes().get(i).name();
      nIds[i] = WireBytes.id32(names[i]);
      checkUnique("node", names, nIds, i);
      newIds.put(names[i], nIds[i]);
    }
    for (int i = 0; i < g; i++) {
      gNames[i] = config.groups().get(i).name();
      gIds[i] = WireBytes.id32(gNames[i]);
      checkUnique("group", gNames, gIds, i);
      newIds.put(gNames[i], gIds[i]);
    }
    var ring = config.keyring();
    var newMacs = new HmacSha256[256];
    for (int id : ring.keys().keySet()) {
      newMacs[id] = new HmacSha256(ring.key(id));
    }
    macs = newMacs;
    activeKeyId = ring.activeKeyId();
    clusterTag = clusterTag(config.clusterId());
    self = config.self();
    nodeNames = names;
    nodeIds = nIds;
    groupNames = gNames;
    groupIds = gIds;
    ids.clear();
    ids.putAll(newIds);
    windows = new ReplayWindow[n];
    for (int i = 0; i < n; i++) {
      windows[i] = windowsByName.computeIfAbsent(names[i], k -> new ReplayWindow());
    }
    windowsByName.keySet().retainAll(List.of(names));
    v2.reconfigure(config, names, gNames);
  }

  private static void checkUnique(String what, String[] names, int[] wireIds, int i) {
    for (int j = 0; j < i; j++) {
      if (wireIds[j] == wireIds[i]) {
        throw new IllegalArgumentException(
            what + " names " + names[j] + " and " + names[i] + " share a wire id; rename one");
      }
    }
  }

  /**
   * The 64-bit tag that names {@code clusterId} on the wire: the first 8 bytes of the SHA-256 of
   * its UTF-8 form, read big-endian. A runtime that shares one socket among several clusters maps
   * each configured cluster's tag to its codec and routes by {@link #peekClusterTag}.
   */
  public static long clusterTag(String clusterId) {
    return WireBytes.tag64(WireBytes.utf8(clusterId));
  }

  /**
   * The cluster tag of a datagram, read without verifying it (nothing read here is trusted: the
   * cluster's own codec then checks the MAC and the cluster). Empty for anything that is not a
   * heartbeat of a version this build reads. Never throws; allocates only for version 2.
   */
  public static OptionalLong peekClusterTag(byte[] buf, int offset, int length) {
    if (offset < 0 || length < WireFormatV2.MIN_BYTES || offset > buf.length - length) {
      return OptionalLong.empty();
    }
    if (u16(buf, offset) != MAGIC) {
      return OptionalLong.empty();
    }
    int version = buf[offset + 2] & 0xFF;
    if (version == VERSION && length >= MIN_BYTES) {
      return OptionalLong.of(u64(buf, offset + 4));
    }
    if (version == WireFormatV2.VERSION) {
      long tag = WireFormatV2.peekTag(buf, offset, length);
      return tag == 0 ? OptionalLong.empty() : OptionalLong.of(tag);
    }
    return OptionalLong.empty();
  }

  /** The exact datagram size of {@code hb} in its wire version. */
  public int encodedLength(Heartbeat hb) {
    if (hb.wireVersion() == WireFormatV2.VERSION) {
      return v2.encodedLength(hb);
    }
    int len = MIN_BYTES + hb.echoes().size() * ECHO_BYTES;
    var entries = hb.entries();
    for (int i = 0; i < entries.size(); i++) {
      len += entryBytes(entries, i);
    }
    return len;
  }

  private static int entryBytes(List<GroupEntry> entries, int i) {
    int flags = flags(entries, i);
    return 1
        + ((flags & SAME_GROUP) != 0 ? 0 : 4)
        + ((flags & RUN_EPOCH) != 0 ? 0 : 6)
        + (entries.get(i).kind() == GroupEntry.Kind.CLAIM ? 0 : 4);
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

  /** Encodes and signs with the active key into {@code out} at {@code offset}; returns the size. */
  public int encode(Heartbeat hb, byte[] out, int offset) {
    int len = encodedLength(hb);
    if (hb.entries().size() > 0xFF
        || hb.echoes().size() > 0xFF
        || offset < 0
        || out.length - offset < len) {
      throw new IllegalArgumentException("heartbeat of " + len + " bytes does not fit");
    }
    if (hb.wireVersion() > highestVersion) {
      throw new IllegalArgumentException("this codec speaks up to version " + highestVersion);
    }
    var w = new WireBytes.Writer(out, offset);
    w.u16(MAGIC);
    w.u8(hb.wireVersion());
    w.u8(activeKeyId);
    if (hb.wireVersion() == WireFormatV2.VERSION) {
      v2.write(hb, w);
    } else {
      writeV3(hb, w);
    }
    macs[activeKeyId].mac(out, offset, w.pos - offset, out, w.pos);
    return len;
  }

  private void writeV3(Heartbeat hb, WireBytes.Writer w) {
    w.u64(clusterTag);
    w.u32(id(hb.sender()));
    w.u64(hb.bootEpoch());
    w.u64(hb.sequence());
    w.u64(hb.configGeneration());
    w.u8(hb.path());
    w.u8(hb.status().ordinal());
    w.u16(hb.priority());
    w.u8(hb.pingReach());
    w.u32(hb.keepaliveMillis());
    w.u32(hb.deadTimeMillis());
    var entries = hb.entries();
    w.u8(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      var e = entries.get(i);
      int flags = flags(entries, i);
      w.u8(flags);
      if ((flags & SAME_GROUP) == 0) {
        w.u32(id(e.group()));
      }
      if ((flags & RUN_EPOCH) == 0) {
        w.u48(u48Checked(e.epoch(), "epoch"));
      }
      if (e.kind() != GroupEntry.Kind.CLAIM) {
        w.u32(id(e.peer()));
      }
    }
    w.u8(hb.echoes().size());
    for (var e : hb.echoes()) {
      w.u32(id(e.peer()));
      w.u32(e.bootTag());
      w.u48(u48Checked(e.sequence(), "echoed sequence"));
      w.u32(e.heldMicros());
    }
  }

  private static long u48Checked(long v, String what) {
    if (v > MAX_U48) {
      throw new IllegalArgumentException(what + " " + v + " does not fit 48 bits");
    }
    return v;
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
    if (length > MAX_DATAGRAM_BYTES) {
      return Rejected.of(RejectReason.OVERSIZED);
    }
    if (length < WireFormatV2.MIN_BYTES) {
      return Rejected.of(RejectReason.TRUNCATED);
    }
    if (u16(buf, offset) != MAGIC) {
      return Rejected.of(RejectReason.BAD_MAGIC);
    }
    int version = buf[offset + 2] & 0xFF;
    if (version < OLDEST_VERSION || version > highestVersion) {
      return Rejected.of(RejectReason.BAD_VERSION);
    }
    if (version == VERSION && length < MIN_BYTES) {
      return Rejected.of(RejectReason.TRUNCATED);
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
    return version == VERSION
        ? parseV3(buf, offset + 4, end, keyId)
        : parseV2(buf, offset + 4, end, keyId);
  }

  private DecodeResult parseV2(byte[] buf, int start, int end, int keyId) {
    var reason = v2.check(buf, start, end);
    if (reason != null) {
      return Rejected.of(reason);
    }
    reason = admit(v2.sender, v2.bootEpoch, v2.sequence);
    return reason != null ? Rejected.of(reason) : new Accepted(v2.build(buf), keyId);
  }

  /** Own message, then the replay window, which records the datagram if it is fresh. */
  private RejectReason admit(int sender, long bootEpoch, long sequence) {
    if (nodeNames[sender].equals(self)) {
      return RejectReason.OWN_MESSAGE;
    }
    var window = windows[sender];
    if (!window.isFresh(bootEpoch, sequence)) {
      return RejectReason.REPLAY;
    }
    window.record(bootEpoch, sequence);
    return null;
  }

  private DecodeResult parseV3(byte[] buf, int start, int end, int keyId) {
    // Pass 1 checks everything without allocating; pass 2 builds the message.
    int p = start;
    if (u64(buf, p) != clusterTag) {
      return Rejected.of(RejectReason.FOREIGN_CLUSTER);
    }
    int sender = find(nodeIds, (int) u32(buf, p + 8));
    if (sender < 0) {
      return Rejected.of(RejectReason.UNKNOWN_NODE);
    }
    p += 12;
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
    boolean keptGroup = false;
    for (int i = 0; i < count; i++) {
      if (p >= end) {
        return Rejected.of(RejectReason.MALFORMED);
      }
      int flags = buf[p++] & 0xFF;
      var kind = GroupEntry.Kind.ofCode(flags & KIND_MASK);
      boolean sameGroup = (flags & SAME_GROUP) != 0;
      boolean runEpoch = (flags & RUN_EPOCH) != 0;
      int size = (sameGroup ? 0 : 4) + (runEpoch ? 0 : 6) + (kind == GroupEntry.Kind.CLAIM ? 0 : 4);
      if (kind == null
          || (flags & ~(KIND_MASK | SAME_GROUP | RUN_EPOCH)) != 0
          || (sameGroup && i == 0)
          || (runEpoch && !sameGroup)
          || p + size > end) {
        return Rejected.of(RejectReason.MALFORMED);
      }
      if (!sameGroup) {
        keptGroup = find(groupIds, (int) u32(buf, p)) >= 0;
        p += 4;
      }
      if (!runEpoch) {
        if (u48(buf, p) < 1) {
          return Rejected.of(RejectReason.MALFORMED);
        }
        p += 6;
      }
      boolean knownPeer = true;
      if (kind != GroupEntry.Kind.CLAIM) {
        knownPeer = find(nodeIds, (int) u32(buf, p)) >= 0;
        p += 4;
      }
      // Groups or peers this config does not know (a rollout in progress) are skipped, not fatal.
      if (keptGroup && knownPeer) {
        kept++;
      }
    }
    if (p >= end) {
      return Rejected.of(RejectReason.MALFORMED);
    }
    int echoCount = buf[p++] & 0xFF;
    int echoesStart = p;
    int echoesKept = 0;
    if (p + echoCount * ECHO_BYTES != end) {
      return Rejected.of(RejectReason.MALFORMED);
    }
    for (int i = 0; i < echoCount; i++, p += ECHO_BYTES) {
      if ((buf[p + 14] & 0x80) != 0) {
        return Rejected.of(RejectReason.MALFORMED);
      }
      if (find(nodeIds, (int) u32(buf, p)) >= 0) {
        echoesKept++;
      }
    }
    var reason = admit(sender, bootEpoch, sequence);
    if (reason != null) {
      return Rejected.of(reason);
    }
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
            echoes(buf, echoesStart, echoCount, echoesKept),
            VERSION),
        keyId);
  }

  private List<Echo> echoes(byte[] buf, int p, int count, int kept) {
    if (kept == 0) {
      return List.of();
    }
    var out = new Echo[kept];
    int k = 0;
    for (int i = 0; i < count; i++, p += ECHO_BYTES) {
      int peer = find(nodeIds, (int) u32(buf, p));
      if (peer >= 0) {
        out[k++] =
            new Echo(
                nodeNames[peer], u48(buf, p + 8), (int) u32(buf, p + 14), (int) u32(buf, p + 4));
      }
    }
    return List.of(out);
  }

  private List<GroupEntry> entries(byte[] buf, int p, int count, int kept) {
    if (kept == 0) {
      return List.of();
    }
    var out = new GroupEntry[kept];
    int k = 0;
    int group = -1;
    long epoch = 0;
    long runEpoch = 0;
    for (int i = 0; i < count; i++) {
      int flags = buf[p++] & 0xFF;
      var kind = GroupEntry.Kind.ofCode(flags & KIND_MASK);
      if ((flags & SAME_GROUP) == 0) {
        group = find(groupIds, (int) u32(buf, p));
        p += 4;
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
        peer = find(nodeIds, (int) u32(buf, p));
        knownPeer = peer >= 0;
        p += 4;
      }
      if (group >= 0 && knownPeer) {
        out[k++] = new GroupEntry(kind, groupNames[group], epoch, peer < 0 ? "" : nodeNames[peer]);
      }
    }
    return List.of(out);
  }

  private static int find(int[] wireIds, int id) {
    for (int i = 0; i < wireIds.length; i++) {
      if (wireIds[i] == id) {
        return i;
      }
    }
    return -1;
  }

  /** Names of this config are hashed once; others (a newer config's groups) on the fly. */
  private int id(String name) {
    var cached = ids.get(name);
    return cached != null ? cached : WireBytes.id32(name);
  }
}
