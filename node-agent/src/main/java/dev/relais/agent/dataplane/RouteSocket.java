package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.ffm.ErrnoException;
import dev.relais.agent.dataplane.ffm.NativeSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/** A NETLINK_ROUTE request socket. Confined to one thread. */
final class RouteSocket implements AutoCloseable {
  static final int NETLINK_ROUTE = 0;
  private static final int SOL_NETLINK = 270;
  private static final int NETLINK_CAP_ACK = 10;
  private static final int NETLINK_EXT_ACK = 11;
  private static final int ETIMEDOUT = 110;
  private static final byte[] KERNEL = sockaddr(0);

  private final NativeSocket socket;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).order(ByteOrder.nativeOrder());
  private int sequence;

  private RouteSocket(NativeSocket socket) {
    this.socket = socket;
  }

  static RouteSocket open() throws ErrnoException {
    NativeSocket socket =
        NativeSocket.open(NativeSocket.AF_NETLINK, NativeSocket.SOCK_RAW, NETLINK_ROUTE);
    try {
      socket.setOption(SOL_NETLINK, NETLINK_CAP_ACK, 1);
      socket.setOption(SOL_NETLINK, NETLINK_EXT_ACK, 1);
      // The kernel answers within microseconds; the bound only guards against a lost reply.
      socket.setReceiveTimeout(Duration.ofSeconds(5));
      socket.bind(sockaddr(0));
      return new RouteSocket(socket);
    } catch (ErrnoException e) {
      socket.close();
      throw e;
    }
  }

  /** sockaddr_nl with the given multicast groups (pid 0: the kernel assigns one). */
  static byte[] sockaddr(int groups) {
    return ByteBuffer.allocate(12)
        .order(ByteOrder.nativeOrder())
        .putShort((short) NativeSocket.AF_NETLINK)
        .putShort((short) 0)
        .putInt(0)
        .putInt(groups)
        .array();
  }

  /** Sends one request built for a fresh sequence number and waits for its ACK or error. */
  NetlinkMessages.Ack request(IntFunction<ByteBuffer> build) throws ErrnoException {
    return exchange(
        "netlink reply",
        build,
        (type, at, length) ->
            type == NetlinkMessages.NLMSG_ERROR ? NetlinkMessages.parseError(buffer) : null);
  }

  /** Sends a dump request and hands each reply message (positioned at its header) to sink. */
  void dump(IntFunction<ByteBuffer> build, Consumer<ByteBuffer> sink) throws ErrnoException {
    exchange(
        "netlink dump",
        build,
        (type, at, length) -> {
          if (type == NetlinkMessages.NLMSG_DONE) {
            return Boolean.TRUE;
          }
          if (type == NetlinkMessages.NLMSG_ERROR) {
            throw new ErrnoException("netlink dump", NetlinkMessages.parseError(buffer).errno());
          }
          ByteBuffer message = buffer.duplicate().order(ByteOrder.nativeOrder());
          message.limit(at + length).position(at);
          sink.accept(message);
          return null;
        });
  }

  /** One reply message to our request, the buffer positioned at its header. */
  private interface Reply<T> {
    /** Returns the exchange's result, or null to read on. */
    T onMessage(int type, int at, int length) throws ErrnoException;
  }

  private <T> T exchange(String what, IntFunction<ByteBuffer> build, Reply<T> reply)
      throws ErrnoException {
    int seq = ++sequence;
    socket.sendTo(build.apply(seq), KERNEL);
    while (true) {
      buffer.clear();
      if (socket.receive(buffer) < 0) {
        throw new ErrnoException(what, ETIMEDOUT);
      }
      buffer.flip();
      while (buffer.remaining() >= NetlinkMessages.HEADER) {
        int at = buffer.position();
        int length = buffer.getInt(at);
        if (length < NetlinkMessages.HEADER) {
          break;
        }
        if (buffer.getInt(at + 8) == seq) {
          T result = reply.onMessage(buffer.getShort(at + 4) & 0xFFFF, at, length);
          if (result != null) {
            return result;
          }
        }
        buffer.position(Math.min(buffer.limit(), at + NetlinkMessages.align(length)));
      }
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
