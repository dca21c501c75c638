package dev.relais.agent.transport.ffm;

import static dev.relais.agent.transport.ffm.Syscalls.AF_INET;
import static dev.relais.agent.transport.ffm.Syscalls.AF_INET6;
import static dev.relais.agent.transport.ffm.Syscalls.EINTR;
import static dev.relais.agent.transport.ffm.Syscalls.MSG_DONTWAIT;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Sends datagrams on a UDP socket another library owns (netty's, by its descriptor) with one
 * non-blocking {@code sendto(2)} each: a heartbeat a keepalive touches a buffer, a cached address
 * and one downcall instead of a channel pipeline, an envelope, a direct buffer and its cleaner. The
 * socket's options (TOS, broadcast, multicast interface) apply as they would to the library's own
 * sends. One thread; Linux LP64 layouts.
 */
public final class DatagramSender {
  static final int EAFNOSUPPORT = 97;
  private static final int MAX_ADDRESSES = 64;

  private final int fd;
  private final boolean inet6;
  private final int maxLength;
  private final Arena arena = Arena.ofAuto();
  private final MemorySegment buffer;
  private final MemorySegment state;
  private final Map<InetSocketAddress, MemorySegment> addresses = new HashMap<>();

  private DatagramSender(int fd, boolean inet6, int maxLength) {
    this.fd = fd;
    this.inet6 = inet6;
    this.maxLength = maxLength;
    this.buffer = arena.allocate(maxLength);
    this.state = Syscalls.captureState(arena);
  }

  /** A sender for {@code fd}, whose address family it reads with getsockname(2). */
  public static DatagramSender of(int fd, int maxLength) throws IOException {
    int rc;
    int family;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = Syscalls.captureState(a);
      MemorySegment address = a.allocate(128, 8);
      MemorySegment length = a.allocate(JAVA_INT);
      length.set(JAVA_INT, 0, 128);
      rc = (int) Syscalls.GETSOCKNAME.invokeExact(state, fd, address, length);
      if (rc < 0) {
        throw new IOException("getsockname: errno " + Syscalls.errno(state));
      }
      family = Short.toUnsignedInt(address.get(JAVA_SHORT_UNALIGNED, 0));
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("downcall getsockname", t);
    }
    if (family != AF_INET && family != AF_INET6) {
      throw new IOException("not an IP socket (address family " + family + ")");
    }
    return new DatagramSender(fd, family == AF_INET6, maxLength);
  }

  /**
   * Sends {@code length} bytes of {@code data} to {@code to}; returns 0, or the errno of a send
   * that did not happen (EAGAIN: the socket's buffer is full; a lost heartbeat, as on the wire).
   */
  public int send(byte[] data, int length, InetSocketAddress to) {
    if (length > maxLength) {
      throw new IllegalArgumentException("datagram of " + length + " bytes, at most " + maxLength);
    }
    MemorySegment address = address(to);
    if (address == null) return EAFNOSUPPORT;
    MemorySegment.copy(data, 0, buffer, JAVA_BYTE, 0, length);
    try {
      while (true) {
        long sent =
            (long)
                Syscalls.SENDTO.invokeExact(
                    state,
                    fd,
                    buffer,
                    (long) length,
                    MSG_DONTWAIT,
                    address,
                    (int) address.byteSize());
        if (sent >= 0) return 0;
        int errno = Syscalls.errno(state);
        if (errno != EINTR) return errno;
      }
    } catch (Throwable t) {
      throw new IllegalStateException("downcall sendto", t);
    }
  }

  /** The sockaddr for {@code to} in this socket's family, or null if it cannot reach it. */
  private MemorySegment address(InetSocketAddress to) {
    MemorySegment cached = addresses.get(to);
    if (cached != null) return cached;
    InetAddress ip = to.getAddress();
    MemorySegment s;
    if (!inet6) {
      if (!(ip instanceof Inet4Address)) return null;
      s = arena.allocate(16, 8);
      s.set(JAVA_SHORT_UNALIGNED, 0, (short) AF_INET);
      port(s, to.getPort());
      MemorySegment.copy(ip.getAddress(), 0, s, JAVA_BYTE, 4, 4);
    } else {
      s = arena.allocate(28, 8);
      s.set(JAVA_SHORT_UNALIGNED, 0, (short) AF_INET6);
      port(s, to.getPort());
      if (ip instanceof Inet4Address) { // a dual-stack socket reaches IPv4 as ::ffff:a.b.c.d
        s.set(JAVA_BYTE, 18, (byte) 0xff);
        s.set(JAVA_BYTE, 19, (byte) 0xff);
        MemorySegment.copy(ip.getAddress(), 0, s, JAVA_BYTE, 20, 4);
      } else {
        MemorySegment.copy(ip.getAddress(), 0, s, JAVA_BYTE, 8, 16);
        s.set(JAVA_INT, 24, ((Inet6Address) ip).getScopeId());
      }
    }
    if (addresses.size() >= MAX_ADDRESSES) addresses.clear();
    addresses.put(to, s);
    return s;
  }

  private static void port(MemorySegment s, int port) {
    s.set(JAVA_BYTE, 2, (byte) (port >> 8));
    s.set(JAVA_BYTE, 3, (byte) port);
  }
}
