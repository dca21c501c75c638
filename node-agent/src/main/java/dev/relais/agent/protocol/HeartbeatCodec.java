package dev.relais.agent.protocol;

import static dev.relais.agent.protocol.WireBytes.u32;

import dev.relais.agent.protocol.DecodeResult.Accepted;
import dev.relais.agent.protocol.DecodeResult.Rejected;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The heartbeat wire format (docs/design/protocol.md, "Message format"): big-endian; the cluster,
 * nodes and groups named by SHA-256 ids (groups, in version 4, also by index into a table both ends
 * know), so a heartbeat's size depends on how many nodes and groups there are, never on how long
 * their names are; HMAC-SHA-256 over every byte before the MAC, truncated to 128 bits in version 4
 * (RFC 4868). Only the framing (magic, version, key id) is read before the MAC is verified, and
 * those bytes are covered by it. Decoding resolves ids against the config's own names, so an
 * accepted heartbeat holds no copied names and a rejection allocates nothing. Version 3 is still
 * read and written for rolling upgrades ({@link WireFormat} lays out both).
 *
 * <p>Stateful (an HMAC with its digests per key, a scratch buffer, the replay windows, the group
 * tables): confined to one thread, the runtime's event loop.
 */
public final class HeartbeatCodec {
  /** 4: narrower fields, a 128-bit MAC, groups as indices into an agreed table. */
  public static final int VERSION = 4;

  /** The oldest version this build reads and writes (docs/design/protocol.md, "Wire versions"). */
  public static final int OLDEST_VERSION = 3;

  /**
   * The largest heartbeat a valid config may produce: what IPv6's minimum MTU (1,280, RFC 8200 §5)
   * leaves for a UDP payload, so no path fragments it. The worst case of the CRD's bounds (16
   * nodes, 32 groups) is 1,193 bytes ({@link #worstCaseBytes}); dev.relais.model.HeartbeatSize
   * holds the same formula for the validator, and a test holds both to this encoder.
   */
  public static final int MAX_DATAGRAM_BYTES = 1232;

  /** The longest keepalive or deadTime version 4 carries (3 bytes of milliseconds, 4.6 hours). */
  static final long MAX_TIMING_MILLIS = 0xFFFFFF;

  static final int MAC_BYTES = WireFormat.V4.macBytes;
  static final int MIN_BYTES = WireFormat.V4.minBytes;

  private final byte[] macScratch = new byte[HmacSha256.LENGTH];
  private final Map<String, ReplayWindow> windowsByName = new HashMap<>();
  private final WireTables tables = new WireTables();
  private final WireFormat.Parsed parsed = new WireFormat.Parsed();
  private final int highestVersion;
  private HmacSha256[] macs;
  private int activeKeyId;
  private ReplayWindow[] windows;

  public HeartbeatCodec(ProtocolConfig config) {
    this(config, VERSION);
  }

  /** A codec that speaks at most {@code highestVersion}: tests play an older node with it. */
  HeartbeatCodec(ProtocolConfig config, int highestVersion) {
    this.highestVersion = highestVersion;
    reconfigure(config);
  }

  /**
   * The largest heartbeat a node of {@code nodes} nodes and {@code groups} groups sends (version 4,
   * groups as ids, the larger form): every group held with an offer out and a confirmation still
   * repeated (claim 11 bytes, offer 11, confirm 5), and an echo of every peer.
   */
  public static int worstCaseBytes(int nodes, int groups) {
    return WireFormat.V4.worstCaseBytes(nodes, groups);
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
    long keepalive = config.timing().keepalive().toMillis();
    long deadTime = config.timing().deadTime().toMillis();
    if (keepalive > MAX_TIMING_MILLIS || deadTime > MAX_TIMING_MILLIS) {
      throw new IllegalArgumentException(
          "keepalive "
              + keepalive
              + " ms and deadTime "
              + deadTime
              + " ms must each be at most "
              + MAX_TIMING_MILLIS
              + " ms (3 bytes on the wire)");
    }
    var ring = config.keyring();
    var newMacs = new HmacSha256[256];
    for (int id : ring.keys().keySet()) {
      newMacs[id] = new HmacSha256(ring.key(id));
    }
    tables.reconfigure(config); // first: it throws on names sharing an id
    macs = newMacs;
    activeKeyId = ring.activeKeyId();
    var names = tables.nodeNames;
    windows = new ReplayWindow[n];
    for (int i = 0; i < n; i++) {
      windows[i] = windowsByName.computeIfAbsent(names[i], k -> new ReplayWindow());
    }
    windowsByName.keySet().retainAll(List.of(names));
  }

  /**
   * The 32-bit tag that names {@code clusterId} on the wire: the first 4 bytes of the SHA-256 of
   * its UTF-8 form, read big-endian (version 3 carries 8 bytes of it, starting with these 4). A
   * runtime that shares one socket among several clusters maps each configured cluster's tag to its
   * codec and routes by {@link #peekClusterTag}.
   */
  public static long clusterTag(String clusterId) {
    return WireBytes.tag64(WireBytes.utf8(clusterId)) >>> 32;
  }

  /** The group table revision a node of {@code config} advertises (docs/design/protocol.md). */
  static int groupTable(ProtocolConfig config) {
    return WireTables.revisionOf(config.groups());
  }

  /**
   * The cluster tag of a version 3 or 4 datagram ({@link #clusterTag}), read without verifying it
   * (nothing read here is trusted: the cluster's own codec then checks the MAC and the cluster).
   * Empty for anything else. Never throws, never allocates beyond the result.
   */
  public static OptionalLong peekClusterTag(byte[] buf, int offset, int length) {
    if (offset < 0 || length < WireFormat.V4.minBytes || offset > buf.length - length) {
      return OptionalLong.empty();
    }
    int first = buf[offset] & 0xFF;
    if (first == WireFormat.V4.version) {
      return OptionalLong.of(u32(buf, offset + 2));
    }
    if (first == WireFormat.MAGIC >>> 8
        && (buf[offset + 1] & 0xFF) == (WireFormat.MAGIC & 0xFF)
        && (buf[offset + 2] & 0xFF) == WireFormat.V3.version
        && length >= WireFormat.V3.minBytes) {
      return OptionalLong.of(u32(buf, offset + 4));
    }
    return OptionalLong.empty();
  }

  private static WireFormat format(int version) {
    return version == WireFormat.V3.version ? WireFormat.V3 : WireFormat.V4;
  }

  /** The exact datagram size of {@code hb} in its wire version. */
  public int encodedLength(Heartbeat hb) {
    return format(hb.wireVersion()).encodedLength(hb, tables);
  }

  /** Encodes and signs with the active key into {@code out} at {@code offset}; returns the size. */
  public int encode(Heartbeat hb, byte[] out, int offset) {
    var format = format(hb.wireVersion());
    int len = format.encodedLength(hb, tables);
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
    format.write(hb, activeKeyId, tables, w);
    macs[activeKeyId].mac(out, offset, w.pos - offset, macScratch, 0);
    System.arraycopy(macScratch, 0, out, w.pos, format.macBytes);
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
    if (length > MAX_DATAGRAM_BYTES) {
      return Rejected.of(RejectReason.OVERSIZED);
    }
    if (length < WireFormat.V4.minBytes) {
      return Rejected.of(RejectReason.TRUNCATED);
    }
    WireFormat format;
    int first = buf[offset] & 0xFF;
    if (first == WireFormat.MAGIC >>> 8) {
      if ((buf[offset + 1] & 0xFF) != (WireFormat.MAGIC & 0xFF)) {
        return Rejected.of(RejectReason.BAD_MAGIC);
      }
      if ((buf[offset + 2] & 0xFF) != WireFormat.V3.version) {
        return Rejected.of(RejectReason.BAD_VERSION);
      }
      format = WireFormat.V3;
    } else if (highestVersion < WireFormat.V4.version) {
      return Rejected.of(RejectReason.BAD_MAGIC); // what a version 3 node makes of anything else
    } else if (first == WireFormat.V4.version) {
      format = WireFormat.V4;
    } else {
      return Rejected.of(RejectReason.BAD_VERSION); // a newer node, or not a heartbeat at all
    }
    if (length < format.minBytes) {
      return Rejected.of(RejectReason.TRUNCATED);
    }
    int keyId = buf[offset + format.framingBytes - 1] & 0xFF;
    var mac = macs[keyId];
    if (mac == null) {
      return Rejected.of(RejectReason.UNKNOWN_KEY);
    }
    int end = offset + length - format.macBytes;
    mac.mac(buf, offset, end - offset, macScratch, 0);
    int diff = 0; // constant time: no early exit that leaks how many bytes matched
    for (int i = 0; i < format.macBytes; i++) {
      diff |= macScratch[i] ^ buf[end + i];
    }
    if (diff != 0) {
      return Rejected.of(RejectReason.BAD_MAC);
    }
    var reason = format.check(buf, offset + format.framingBytes, end, tables, parsed);
    if (reason == null) {
      reason = admit(parsed.sender, parsed.bootEpoch, parsed.sequence);
    }
    return reason != null
        ? Rejected.of(reason)
        : new Accepted(format.build(buf, tables, parsed), keyId);
  }

  /** Own message, then the replay window, which records the datagram if it is fresh. */
  private RejectReason admit(int sender, long bootEpoch, long sequence) {
    if (tables.nodeNames[sender].equals(tables.self)) {
      return RejectReason.OWN_MESSAGE;
    }
    var window = windows[sender];
    if (!window.isFresh(bootEpoch, sequence)) {
      return RejectReason.REPLAY;
    }
    window.record(bootEpoch, sequence);
    return null;
  }
}
