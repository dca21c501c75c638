package dev.relais.agent.dataplane;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Ethernet frames for announcements and probes, built as plain bytes (network order): ARP (RFC 826,
 * RFC 5227 probes) and ICMPv6 neighbor discovery (RFC 4861) with its checksum (RFC 4443 §2.3).
 */
final class LinkFrames {
  static final int ETH_P_ARP = 0x0806;
  static final int ETH_P_IPV6 = 0x86DD;
  static final int ARPOP_REQUEST = 1;
  static final int ARPOP_REPLY = 2;
  static final int ICMPV6_NEIGHBOR_SOLICITATION = 135;
  static final int ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
  private static final int IPPROTO_ICMPV6 = 58;
  // RFC 4861 §7.1.2: ND messages must arrive with hop limit 255 (proves on-link origin).
  private static final int ND_HOP_LIMIT = 255;
  private static final int NA_FLAG_ROUTER = 0x8000_0000;
  private static final int NA_FLAG_OVERRIDE = 0x2000_0000;
  private static final int OPTION_TARGET_LL = 2;
  // Ethernet minimum payload: frames are padded to 60 bytes before the FCS, as send_arp does.
  private static final int ETH_MIN_FRAME = 60;
  static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
  private static final byte[] ALL_NODES = Addresses.fromBytes(allNodes()).getAddress();

  private LinkFrames() {}

  /**
   * A gratuitous ARP: sender and target IP are the VIP. The request form has target MAC 0, the
   * reply form has target MAC = sender MAC (Linux treats only that reply as gratuitous).
   */
  static ByteBuffer gratuitousArp(int op, byte[] mac, Inet4Address vip) {
    byte[] targetMac = op == ARPOP_REPLY ? mac : new byte[6];
    return arp(op, mac, vip.getAddress(), targetMac, vip.getAddress());
  }

  /** RFC 5227 §2.1.1 probe: sender IP 0.0.0.0, so no neighbour cache learns from it. */
  static ByteBuffer arpProbe(byte[] mac, Inet4Address vip) {
    return arp(ARPOP_REQUEST, mac, new byte[4], new byte[6], vip.getAddress());
  }

  private static ByteBuffer arp(
      int op, byte[] mac, byte[] senderIp, byte[] targetMac, byte[] targetIp) {
    ByteBuffer b = ByteBuffer.allocate(ETH_MIN_FRAME);
    b.put(BROADCAST).put(mac).putShort((short) ETH_P_ARP);
    b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4);
    b.putShort((short) op).put(mac).put(senderIp).put(targetMac).put(targetIp);
    return b.position(ETH_MIN_FRAME).flip();
  }

  /**
   * Unsolicited NA to all-nodes with Override and Router set (Relais VIPs are router addresses).
   */
  static ByteBuffer unsolicitedAdvertisement(byte[] mac, Inet6Address vip) {
    ByteBuffer icmp = ByteBuffer.allocate(32);
    icmp.put((byte) ICMPV6_NEIGHBOR_ADVERTISEMENT).put((byte) 0).putShort((short) 0);
    icmp.putInt(NA_FLAG_ROUTER | NA_FLAG_OVERRIDE).put(vip.getAddress());
    icmp.put((byte) OPTION_TARGET_LL).put((byte) 1).put(mac);
    return ipv6Frame(mac, multicastMac(ALL_NODES), vip.getAddress(), ALL_NODES, icmp.array());
  }

  /** DAD-style NS (source ::) to the VIP's solicited-node group; owners answer to all-nodes. */
  static ByteBuffer neighborProbe(byte[] mac, Inet6Address vip) {
    byte[] group = solicitedNode(vip.getAddress());
    ByteBuffer icmp = ByteBuffer.allocate(24);
    icmp.put((byte) ICMPV6_NEIGHBOR_SOLICITATION).put((byte) 0).putShort((short) 0);
    icmp.putInt(0).put(vip.getAddress());
    return ipv6Frame(mac, multicastMac(group), new byte[16], group, icmp.array());
  }

  private static ByteBuffer ipv6Frame(
      byte[] mac, byte[] dstMac, byte[] src, byte[] dst, byte[] icmp) {
    int checksum = icmpv6Checksum(src, dst, icmp);
    icmp[2] = (byte) (checksum >>> 8);
    icmp[3] = (byte) checksum;
    ByteBuffer b = ByteBuffer.allocate(Math.max(ETH_MIN_FRAME, 14 + 40 + icmp.length));
    b.put(dstMac).put(mac).putShort((short) ETH_P_IPV6);
    b.putInt(0x6000_0000).putShort((short) icmp.length).put((byte) IPPROTO_ICMPV6);
    b.put((byte) ND_HOP_LIMIT).put(src).put(dst).put(icmp);
    return b.position(b.capacity()).flip();
  }

  /** One's complement sum over the IPv6 pseudo-header and the message (checksum field zero). */
  static int icmpv6Checksum(byte[] src, byte[] dst, byte[] icmp) {
    ByteBuffer pseudo = ByteBuffer.allocate(40 + icmp.length + (icmp.length & 1));
    pseudo.put(src).put(dst).putInt(icmp.length).putInt(IPPROTO_ICMPV6).put(icmp);
    return ~onesComplementSum(pseudo.array()) & 0xFFFF;
  }

  /** RFC 1071 sum, folded to 16 bits; used for ICMPv4 too. */
  static int onesComplementSum(byte[] data) {
    long sum = 0;
    for (int i = 0; i + 1 < data.length; i += 2) {
      sum += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
    }
    if ((data.length & 1) != 0) {
      sum += (data[data.length - 1] & 0xFF) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) sum;
  }

  /**
   * If the frame claims {@code vip} for some link-layer address (an ARP packet with sender IP =
   * VIP, or an NA whose target is the VIP), returns that address.
   */
  static Optional<byte[]> claimant(ByteBuffer frame, InetAddress vip) {
    if (frame.remaining() < 14) {
      return Optional.empty();
    }
    int base = frame.position();
    int type = frame.getShort(base + 12) & 0xFFFF;
    byte[] ethSource = slice(frame, base + 6, 6);
    if (type == ETH_P_ARP && vip instanceof Inet4Address && frame.remaining() >= 42) {
      byte[] senderMac = slice(frame, base + 22, 6);
      byte[] senderIp = slice(frame, base + 28, 4);
      return Arrays.equals(senderIp, vip.getAddress()) ? Optional.of(senderMac) : Optional.empty();
    }
    if (type == ETH_P_IPV6 && vip instanceof Inet6Address && frame.remaining() >= 14 + 40 + 24) {
      int ip = base + 14;
      int icmp = ip + 40;
      boolean na =
          (frame.get(ip + 6) & 0xFF) == IPPROTO_ICMPV6
              && (frame.get(icmp) & 0xFF) == ICMPV6_NEIGHBOR_ADVERTISEMENT;
      if (!na || !Arrays.equals(slice(frame, icmp + 8, 16), vip.getAddress())) {
        return Optional.empty();
      }
      int end = Math.min(frame.limit(), icmp + (frame.getShort(ip + 4) & 0xFFFF));
      for (int at = icmp + 24; at + 8 <= end; ) {
        int optionLength = (frame.get(at + 1) & 0xFF) * 8;
        if (optionLength == 0) {
          break;
        }
        if ((frame.get(at) & 0xFF) == OPTION_TARGET_LL) {
          return Optional.of(slice(frame, at + 2, 6));
        }
        at += optionLength;
      }
      return Optional.of(ethSource);
    }
    return Optional.empty();
  }

  static String macText(byte[] mac) {
    return HexFormat.ofDelimiter(":").formatHex(mac);
  }

  static byte[] multicastMac(byte[] ipv6Group) {
    return new byte[] {0x33, 0x33, ipv6Group[12], ipv6Group[13], ipv6Group[14], ipv6Group[15]};
  }

  static byte[] solicitedNode(byte[] ipv6) {
    byte[] group = new byte[16];
    group[0] = (byte) 0xff;
    group[1] = 0x02;
    group[11] = 0x01;
    group[12] = (byte) 0xff;
    group[13] = ipv6[13];
    group[14] = ipv6[14];
    group[15] = ipv6[15];
    return group;
  }

  private static byte[] allNodes() {
    byte[] a = new byte[16];
    a[0] = (byte) 0xff;
    a[1] = 0x02;
    a[15] = 0x01;
    return a;
  }

  private static byte[] slice(ByteBuffer b, int at, int length) {
    byte[] out = new byte[length];
    b.get(at, out);
    return out;
  }
}
