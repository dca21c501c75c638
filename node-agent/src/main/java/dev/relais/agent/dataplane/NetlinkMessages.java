package dev.relais.agent.dataplane;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * NETLINK_ROUTE wire format (linux/netlink.h, rtnetlink.h, if_addr.h), built and parsed as plain
 * bytes in host order so it can be tested without a socket.
 */
final class NetlinkMessages {
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int RTM_NEWLINK = 16;
  static final int RTM_DELLINK = 17;
  static final int RTM_GETLINK = 18;
  static final int RTM_NEWADDR = 20;
  static final int RTM_DELADDR = 21;
  static final int RTM_GETADDR = 22;

  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_MULTI = 0x2;
  static final int NLM_F_ACK = 0x4;
  static final int NLM_F_DUMP = 0x300;
  static final int NLM_F_REPLACE = 0x100;
  static final int NLM_F_CREATE = 0x400;
  static final int NLM_F_ACK_TLVS = 0x200;
  static final int NLMSGERR_ATTR_MSG = 1;

  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int AF_UNSPEC = 0;

  static final int IFA_ADDRESS = 1;
  static final int IFA_LOCAL = 2;
  static final int IFA_LABEL = 3;
  static final int IFA_BROADCAST = 4;
  static final int IFA_CACHEINFO = 6;
  static final int IFA_FLAGS = 8;
  static final int IFA_F_NODAD = 0x02;

  static final int IFLA_ADDRESS = 1;
  static final int IFLA_IFNAME = 3;
  static final int IFF_UP = 0x1;
  static final int IFF_LOWER_UP = 0x10000;

  /** Multicast groups of the legacy bitmask form (rtnetlink.h). */
  static final int RTMGRP_LINK = 0x1;

  static final int RTMGRP_IPV4_IFADDR = 0x10;
  static final int RTMGRP_IPV6_IFADDR = 0x100;

  static final int HEADER = 16;
  private static final int IFADDRMSG = 8;
  private static final int IFINFOMSG = 16;

  private NetlinkMessages() {}

  /** An address as the kernel reports it. */
  record AddressEntry(int index, InetAddress address, int prefix, Optional<String> label) {}

  /** A link as the kernel reports it. */
  record LinkEntry(int index, String name, int flags, byte[] mac) {
    LinkState state() {
      return (flags & IFF_UP) != 0 && (flags & IFF_LOWER_UP) != 0 ? LinkState.UP : LinkState.DOWN;
    }
  }

  /** RTM_NEWADDR with CREATE|REPLACE: adds, or updates lifetime in place if present. */
  static ByteBuffer newAddress(int seq, int index, VirtualIp vip, Lifetime lifetime) {
    ByteBuffer b =
        start(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, seq);
    byte[] raw = vip.address().getAddress();
    int flags = vip.isIpv4() ? 0 : IFA_F_NODAD;
    ifaddrmsg(b, vip.isIpv4() ? AF_INET : AF_INET6, vip.prefix(), flags, index);
    attribute(b, IFA_LOCAL, raw);
    attribute(b, IFA_ADDRESS, raw);
    if (vip.isIpv4()) {
      if (vip.prefix() < 31) {
        attribute(b, IFA_BROADCAST, broadcast(raw, vip.prefix()));
      }
      vip.label().ifPresent(l -> attribute(b, IFA_LABEL, cString(l)));
    }
    ByteBuffer cacheinfo = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    int seconds = (int) lifetime.seconds();
    cacheinfo.putInt(seconds).putInt(seconds).putInt(0).putInt(0);
    attribute(b, IFA_CACHEINFO, cacheinfo.array());
    attribute(b, IFA_FLAGS, intBytes(flags));
    return finish(b);
  }

  static ByteBuffer deleteAddress(int seq, int index, InetAddress address, int prefix) {
    ByteBuffer b = start(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, seq);
    boolean v4 = address instanceof Inet4Address;
    ifaddrmsg(b, v4 ? AF_INET : AF_INET6, prefix, 0, index);
    attribute(b, IFA_LOCAL, address.getAddress());
    if (!v4) {
      attribute(b, IFA_ADDRESS, address.getAddress());
    }
    return finish(b);
  }

  static ByteBuffer dumpAddresses(int seq, int family) {
    ByteBuffer b = start(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq);
    ifaddrmsg(b, family, 0, 0, 0);
    return finish(b);
  }

  static ByteBuffer dumpLinks(int seq) {
    ByteBuffer b = start(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq);
    b.put((byte) AF_UNSPEC).put((byte) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0);
    return finish(b);
  }

  /** Parses an RTM_NEWADDR/RTM_DELADDR body; {@code m} is positioned at the nlmsghdr. */
  static AddressEntry parseAddress(ByteBuffer m) {
    int start = m.position();
    int length = m.getInt(start);
    int family = m.get(start + HEADER) & 0xFF;
    int prefix = m.get(start + HEADER + 1) & 0xFF;
    int index = m.getInt(start + HEADER + 4);
    byte[] local = null;
    byte[] address = null;
    String label = null;
    int at = start + HEADER + IFADDRMSG;
    while (at + 4 <= start + length) {
      int attrLength = m.getShort(at) & 0xFFFF;
      int type = m.getShort(at + 2) & 0x3FFF;
      if (attrLength < 4) {
        break;
      }
      byte[] value = new byte[attrLength - 4];
      m.get(at + 4, value);
      switch (type) {
        case IFA_LOCAL -> local = value;
        case IFA_ADDRESS -> address = value;
        case IFA_LABEL -> label = fromCString(value);
        default -> {}
      }
      at += align(attrLength);
    }
    byte[] chosen = local != null ? local : address;
    int size = family == AF_INET ? 4 : 16;
    if (chosen == null || chosen.length != size) {
      chosen = new byte[size];
    }
    return new AddressEntry(index, Addresses.fromBytes(chosen), prefix, Optional.ofNullable(label));
  }

  static LinkEntry parseLink(ByteBuffer m) {
    int start = m.position();
    int length = m.getInt(start);
    int index = m.getInt(start + HEADER + 4);
    int flags = m.getInt(start + HEADER + 8);
    String name = "";
    byte[] mac = new byte[0];
    int at = start + HEADER + IFINFOMSG;
    while (at + 4 <= start + length) {
      int attrLength = m.getShort(at) & 0xFFFF;
      int type = m.getShort(at + 2) & 0x3FFF;
      if (attrLength < 4) {
        break;
      }
      byte[] value = new byte[attrLength - 4];
      m.get(at + 4, value);
      if (type == IFLA_IFNAME) {
        name = fromCString(value);
      } else if (type == IFLA_ADDRESS) {
        mac = value;
      }
      at += align(attrLength);
    }
    return new LinkEntry(index, name, flags, mac);
  }

  /** NLMSG_ERROR: the negated errno (0 = ACK) and the extended-ack text, if any. */
  record Ack(int errno, String detail) {}

  static Ack parseError(ByteBuffer m) {
    int start = m.position();
    int length = m.getInt(start);
    int flags = m.getShort(start + 6) & 0xFFFF;
    int errno = -m.getInt(start + HEADER);
    String detail = "";
    if ((flags & NLM_F_ACK_TLVS) != 0) {
      // NETLINK_CAP_ACK is set: the echoed request is only its header.
      int at = start + HEADER + 4 + HEADER;
      while (at + 4 <= start + length) {
        int attrLength = m.getShort(at) & 0xFFFF;
        int type = m.getShort(at + 2) & 0x3FFF;
        if (attrLength < 4) {
          break;
        }
        if (type == NLMSGERR_ATTR_MSG) {
          byte[] value = new byte[attrLength - 4];
          m.get(at + 4, value);
          detail = fromCString(value);
        }
        at += align(attrLength);
      }
    }
    return new Ack(errno, detail);
  }

  static byte[] broadcast(byte[] ipv4, int prefix) {
    int value = ByteBuffer.wrap(ipv4).getInt();
    int hostMask = prefix == 0 ? -1 : (int) ((1L << (32 - prefix)) - 1);
    return ByteBuffer.allocate(4).putInt(value | hostMask).array();
  }

  static int align(int length) {
    return (length + 3) & ~3;
  }

  private static ByteBuffer start(int type, int flags, int seq) {
    ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
    b.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
    return b;
  }

  private static void ifaddrmsg(ByteBuffer b, int family, int prefix, int flags, int index) {
    b.put((byte) family).put((byte) prefix).put((byte) flags).put((byte) 0).putInt(index);
  }

  private static void attribute(ByteBuffer b, int type, byte[] value) {
    int length = 4 + value.length;
    b.putShort((short) length).putShort((short) type).put(value);
    for (int pad = align(length) - length; pad > 0; pad--) {
      b.put((byte) 0);
    }
  }

  private static ByteBuffer finish(ByteBuffer b) {
    b.putInt(0, b.position());
    return b.flip();
  }

  private static byte[] intBytes(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
  }

  private static byte[] cString(String s) {
    byte[] text = s.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[text.length + 1];
    System.arraycopy(text, 0, out, 0, text.length);
    return out;
  }

  private static String fromCString(byte[] value) {
    int end = 0;
    while (end < value.length && value[end] != 0) {
      end++;
    }
    return new String(value, 0, end, StandardCharsets.US_ASCII);
  }
}
