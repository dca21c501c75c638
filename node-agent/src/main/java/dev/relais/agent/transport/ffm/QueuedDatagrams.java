package dev.relais.agent.transport.ffm;

import static dev.relais.agent.transport.ffm.Syscalls.EAGAIN;
import static dev.relais.agent.transport.ffm.Syscalls.ECONNREFUSED;
import static dev.relais.agent.transport.ffm.Syscalls.EINTR;
import static dev.relais.agent.transport.ffm.Syscalls.MSG_DONTWAIT;
import static dev.relais.agent.transport.ffm.Syscalls.SOL_SOCKET;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Reads the datagrams queued on a UDP socket another library owns (netty's, by its descriptor),
 * without blocking, each with the time the kernel queued it ({@code SO_TIMESTAMPNS}): a reader that
 * lets datagrams wait learns when they came. One thread; the buffers are reused, so a datagram's
 * bytes are valid only during its {@link Sink} call. The layouts are Linux LP64's (x86-64, arm64).
 */
public final class QueuedDatagrams {
  static final int SO_TIMESTAMPNS = 35;
  static final int SCM_TIMESTAMPNS = SO_TIMESTAMPNS;
  private static final int MSGHDR_BYTES = 56;
  private static final int CONTROL_BYTES = 64;

  /** Called for each datagram read; {@code data} is valid only during the call. */
  public interface Sink {
    void datagram(byte[] data, int length, long queuedEpochNanos);
  }

  private final int fd;
  private final byte[] data;
  private final MemorySegment buffer;
  private final MemorySegment header;
  private final MemorySegment control;
  private final MemorySegment state;

  private QueuedDatagrams(int fd, int maxLength) {
    this.fd = fd;
    this.data = new byte[maxLength];
    Arena arena = Arena.ofAuto();
    this.buffer = arena.allocate(maxLength);
    this.control = arena.allocate(CONTROL_BYTES, 8);
    this.state = Syscalls.captureState(arena);
    MemorySegment iov = arena.allocate(16, 8);
    iov.set(ADDRESS, 0, buffer);
    iov.set(JAVA_LONG, 8, maxLength);
    this.header = arena.allocate(MSGHDR_BYTES, 8);
    header.set(ADDRESS, 0, MemorySegment.NULL); // msg_name: the socket is connected
    header.set(JAVA_INT, 8, 0);
    header.set(ADDRESS, 16, iov);
    header.set(JAVA_LONG, 24, 1);
  }

  /** Turns on receive timestamps for {@code fd} and reads datagrams of up to {@code maxLength}. */
  public static QueuedDatagrams of(int fd, int maxLength) throws IOException {
    QueuedDatagrams q = new QueuedDatagrams(fd, maxLength);
    q.enableTimestamps();
    return q;
  }

  private void enableTimestamps() throws IOException {
    int rc;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment one = arena.allocate(JAVA_INT);
      one.set(JAVA_INT, 0, 1);
      rc = (int) Syscalls.SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_TIMESTAMPNS, one, 4);
    } catch (Throwable t) {
      throw new IllegalStateException("downcall setsockopt", t);
    }
    if (rc < 0) {
      throw new IOException("setsockopt SO_TIMESTAMPNS: errno " + errno());
    }
  }

  /**
   * Reads at most {@code max} queued datagrams into {@code sink}; returns how many. A datagram
   * without a timestamp (none should be) gets 0, which a caller reads as "just now". An ICMP error
   * the socket carried (ECONNREFUSED: the peer's port was closed) is skipped.
   */
  public int drain(int max, Sink sink) throws IOException {
    int read = 0;
    while (read < max) {
      header.set(ADDRESS, 32, control);
      header.set(JAVA_LONG, 40, CONTROL_BYTES);
      header.set(JAVA_INT, 48, 0);
      long n;
      try {
        n = (long) Syscalls.RECVMSG.invokeExact(state, fd, header, MSG_DONTWAIT);
      } catch (Throwable t) {
        throw new IllegalStateException("downcall recvmsg", t);
      }
      if (n < 0) {
        int errno = errno();
        if (errno == EAGAIN) return read;
        if (errno == EINTR || errno == ECONNREFUSED) continue;
        throw new IOException("recvmsg: errno " + errno);
      }
      int length = (int) Math.min(n, data.length);
      MemorySegment.copy(buffer, JAVA_BYTE, 0, data, 0, length);
      sink.datagram(data, length, timestamp());
      read++;
    }
    return read;
  }

  /** The SCM_TIMESTAMPNS control message of the last datagram, in epoch nanoseconds, or 0. */
  private long timestamp() {
    long controlLength = header.get(JAVA_LONG, 40);
    long offset = 0;
    while (offset + 16 <= controlLength) {
      long cmsgLength = control.get(JAVA_LONG, offset);
      int level = control.get(JAVA_INT, offset + 8);
      int type = control.get(JAVA_INT, offset + 12);
      if (cmsgLength < 16) return 0;
      if (level == SOL_SOCKET && type == SCM_TIMESTAMPNS && cmsgLength >= 32) {
        return control.get(JAVA_LONG, offset + 16) * 1_000_000_000L
            + control.get(JAVA_LONG, offset + 24);
      }
      offset += (cmsgLength + 7) & ~7L;
    }
    return 0;
  }

  private int errno() {
    return Syscalls.errno(state);
  }
}
