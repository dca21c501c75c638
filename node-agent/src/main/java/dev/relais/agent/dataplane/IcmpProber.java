package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.ffm.ErrnoException;
import dev.relais.agent.dataplane.ffm.NativeSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * ICMP echo to a ping group (heartbeat's ping / ping_group). Prefers the unprivileged ICMP datagram
 * socket (allowed by net.ipv4.ping_group_range) and falls back to a raw socket, which needs
 * CAP_NET_RAW. Blocks up to the timeout, so it runs on a probe thread.
 */
final class IcmpProber {
  private static final int IPPROTO_ICMP = 1;
  private static final int IPPROTO_ICMPV6 = 58;
  private static final int ECHO_REQUEST_V4 = 8;
  private static final int ECHO_REPLY_V4 = 0;
  private static final int ECHO_REQUEST_V6 = 128;
  private static final int ECHO_REPLY_V6 = 129;
  // With both families in one group, each socket waits this long before the other gets a turn.
  private static final Duration SLICE = Duration.ofMillis(20);

  private IcmpProber() {}

  private record Family(NativeSocket socket, boolean raw, boolean v4) {}

  static Reachability ping(PingGroup group, Duration timeout) throws ErrnoException {
    RandomGenerator random = ThreadLocalRandom.current();
    List<InetAddress> targets = group.targets();
    int base = random.nextInt(0x10000 - targets.size());
    long cookie = random.nextLong();
    int id = random.nextInt(0x10000);
    List<Family> families = new ArrayList<>();
    Set<InetAddress> answered = new HashSet<>();
    try {
      Family v4 = null;
      Family v6 = null;
      for (int i = 0; i < targets.size(); i++) {
        InetAddress target = targets.get(i);
        boolean isV4 = target instanceof Inet4Address;
        Family family = isV4 ? v4 : v6;
        if (family == null) {
          family = open(isV4);
          families.add(family);
          if (isV4) {
            v4 = family;
          } else {
            v6 = family;
          }
        }
        try {
          family.socket().sendTo(echo(isV4, id, base + i, cookie), PacketAddress.internet(target));
        } catch (ErrnoException e) {
          // ENETUNREACH and friends: this member simply does not answer.
        }
      }
      ByteBuffer buffer = ByteBuffer.allocate(1500);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (answered.size() < targets.size()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        for (Family family : families) {
          Duration wait = Duration.ofNanos(left);
          if (families.size() > 1 && wait.compareTo(SLICE) > 0) {
            wait = SLICE;
          }
          family.socket().setReceiveTimeout(wait);
          buffer.clear();
          if (family.socket().receive(buffer) < 0) {
            continue;
          }
          buffer.flip();
          int sequence = replySequence(buffer, family, cookie);
          int index = sequence - base;
          if (sequence >= 0 && index >= 0 && index < targets.size()) {
            answered.add(targets.get(index));
          }
        }
      }
      return new Reachability(group, answered);
    } finally {
      families.forEach(f -> f.socket().close());
    }
  }

  private static Family open(boolean v4) throws ErrnoException {
    int domain = v4 ? NativeSocket.AF_INET : NativeSocket.AF_INET6;
    int protocol = v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
    try {
      return new Family(NativeSocket.open(domain, NativeSocket.SOCK_DGRAM, protocol), false, v4);
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.EACCES && e.errno() != ErrnoException.EPERM) {
        throw e;
      }
      return new Family(NativeSocket.open(domain, NativeSocket.SOCK_RAW, protocol), true, v4);
    }
  }

  static ByteBuffer echo(boolean v4, int id, int sequence, long cookie) {
    ByteBuffer b = ByteBuffer.allocate(16);
    b.put((byte) (v4 ? ECHO_REQUEST_V4 : ECHO_REQUEST_V6)).put((byte) 0).putShort((short) 0);
    b.putShort((short) id).putShort((short) sequence).putLong(cookie);
    if (v4) {
      // The kernel fills in the ICMPv6 checksum itself (RFC 3542 §3.1), not the ICMPv4 one on raw.
      b.putShort(2, (short) ~LinkFrames.onesComplementSum(b.array()));
    }
    return b.flip();
  }

  /** The sequence number of an echo reply carrying our cookie, or -1. */
  static int replySequence(ByteBuffer packet, boolean rawV4, long cookie) {
    int at = packet.position();
    if (rawV4 && packet.remaining() > 0 && (packet.get(at) & 0xF0) == 0x40) {
      at += (packet.get(at) & 0x0F) * 4; // raw IPv4 sockets deliver the IP header too
    }
    if (packet.limit() - at < 16) {
      return -1;
    }
    int type = packet.get(at) & 0xFF;
    if ((type != ECHO_REPLY_V4 && type != ECHO_REPLY_V6) || packet.getLong(at + 8) != cookie) {
      return -1;
    }
    return packet.getShort(at + 6) & 0xFFFF;
  }

  private static int replySequence(ByteBuffer packet, Family family, long cookie) {
    return replySequence(packet, family.raw() && family.v4(), cookie);
  }
}
