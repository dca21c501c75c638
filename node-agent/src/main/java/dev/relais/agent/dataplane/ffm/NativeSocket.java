package dev.relais.agent.dataplane.ffm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One socket file descriptor. Addresses are raw {@code sockaddr} bytes built by the caller, so this
 * class knows no protocol. Not thread-safe unless stated: one thread sends, or one receives.
 */
public final class NativeSocket implements AutoCloseable {
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int AF_NETLINK = 16;
  public static final int AF_PACKET = 17;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_RAW = 3;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOL_SOCKET = 1;
  public static final int SO_RCVBUF = 8;
  public static final int SO_RCVTIMEO = 20;

  private final int fd;
  private final AtomicBoolean closed = new AtomicBoolean();

  private NativeSocket(int fd) {
    this.fd = fd;
  }

  /** socket(2) with SOCK_CLOEXEC added. */
  public static NativeSocket open(int domain, int type, int protocol) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.captureState(arena);
      int fd = (int) Libc.SOCKET.invokeExact(state, domain, type | SOCK_CLOEXEC, protocol);
      if (fd < 0) {
        throw new ErrnoException("socket", Libc.errno(state));
      }
      return new NativeSocket(fd);
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("downcall socket", t);
    }
  }

  public void bind(byte[] sockaddr) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.captureState(arena);
      MemorySegment address = arena.allocateFrom(JAVA_BYTE, sockaddr);
      int rc = (int) Libc.BIND.invokeExact(state, fd, address, sockaddr.length);
      if (rc < 0) {
        throw new ErrnoException("bind", Libc.errno(state));
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("downcall bind", t);
    }
  }

  /** Sends the buffer's remaining bytes as one datagram; {@code sockaddr} may be null. */
  public int sendTo(ByteBuffer payload, byte[] sockaddr) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.captureState(arena);
      int length = payload.remaining();
      MemorySegment data = arena.allocate(Math.max(1, length));
      MemorySegment.copy(MemorySegment.ofBuffer(payload), 0, data, 0, length);
      MemorySegment address =
          sockaddr == null ? MemorySegment.NULL : arena.allocateFrom(JAVA_BYTE, sockaddr);
      int addressLength = sockaddr == null ? 0 : sockaddr.length;
      while (true) {
        long sent =
            (long)
                Libc.SENDTO.invokeExact(state, fd, data, (long) length, 0, address, addressLength);
        if (sent >= 0) {
          payload.position(payload.position() + (int) sent);
          return (int) sent;
        }
        int errno = Libc.errno(state);
        if (errno != ErrnoException.EINTR) {
          throw new ErrnoException("sendto", errno);
        }
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("downcall sendto", t);
    }
  }

  /**
   * Receives one datagram into the buffer (from its position, at most its remaining bytes) and
   * advances the position. Returns the byte count, or -1 when the receive timeout ran out.
   */
  public int receive(ByteBuffer into) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.captureState(arena);
      int capacity = into.remaining();
      MemorySegment data = arena.allocate(Math.max(1, capacity));
      while (true) {
        long received =
            (long)
                Libc.RECVFROM.invokeExact(
                    state, fd, data, (long) capacity, 0, MemorySegment.NULL, MemorySegment.NULL);
        if (received >= 0) {
          int n = (int) Math.min(received, capacity);
          MemorySegment.copy(data, 0, MemorySegment.ofBuffer(into), 0, n);
          into.position(into.position() + n);
          return n;
        }
        int errno = Libc.errno(state);
        if (errno == ErrnoException.EAGAIN) {
          return -1;
        }
        if (errno != ErrnoException.EINTR) {
          throw new ErrnoException("recvfrom", errno);
        }
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("downcall recvfrom", t);
    }
  }

  public void setOption(int level, int name, int value) throws ErrnoException {
    byte[] bytes =
        ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(value).array();
    setOption(level, name, bytes);
  }

  public void setOption(int level, int name, byte[] value) throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.captureState(arena);
      MemorySegment data = arena.allocateFrom(JAVA_BYTE, value);
      int rc = (int) Libc.SETSOCKOPT.invokeExact(state, fd, level, name, data, value.length);
      if (rc < 0) {
        throw new ErrnoException("setsockopt", Libc.errno(state));
      }
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("downcall setsockopt", t);
    }
  }

  /** Sets SO_RCVTIMEO; zero means block forever. */
  public void setReceiveTimeout(java.time.Duration timeout) throws ErrnoException {
    ByteBuffer timeval = ByteBuffer.allocate(16).order(java.nio.ByteOrder.nativeOrder());
    long micros = Math.max(0, timeout.toNanos() / 1_000);
    if (!timeout.isZero() && micros == 0) {
      micros = 1; // a zero timeval would mean "forever"
    }
    timeval.putLong(micros / 1_000_000).putLong(micros % 1_000_000);
    setOption(SOL_SOCKET, SO_RCVTIMEO, timeval.array());
  }

  /** getsockname(2): the bound address as raw bytes (at most 128). */
  public byte[] localAddress() throws ErrnoException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.captureState(arena);
      MemorySegment address = arena.allocate(128);
      MemorySegment length = arena.allocateFrom(JAVA_INT, 128);
      int rc = (int) Libc.GETSOCKNAME.invokeExact(state, fd, address, length);
      if (rc < 0) {
        throw new ErrnoException("getsockname", Libc.errno(state));
      }
      return address.asSlice(0, Math.min(128, length.get(JAVA_INT, 0))).toArray(JAVA_BYTE);
    } catch (ErrnoException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("downcall getsockname", t);
    }
  }

  /** Idempotent. Close only after any thread blocked in {@link #receive} has returned. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try (Arena arena = Arena.ofConfined()) {
        int ignored = (int) Libc.CLOSE.invokeExact(Libc.captureState(arena), fd);
      } catch (Throwable t) {
        throw new IllegalStateException("downcall close", t);
      }
    }
  }
}
