package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.ffm.ErrnoException;
import dev.relais.agent.dataplane.ffm.NativeSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads rtnetlink multicast (links, IPv4 and IPv6 addresses) on its own thread, blocking in recv.
 * The receive timeout only lets {@link #close} end the thread; events arrive as the kernel sends
 * them. The timeout is long (each wakeup of an idle agent costs CPU a router shares with its
 * routing daemons: at 250 ms this thread was the agent's largest fixed cost at rest), so close does
 * not wait for it: the thread closes the socket itself on its way out (a close from here could let
 * its next recv read a reused descriptor).
 */
final class NetlinkMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NetlinkMonitor.class);
  private static final int ENOBUFS = 105;
  private static final Duration WAKE_UP = Duration.ofSeconds(5);
  private static final int RECEIVE_BUFFER_BYTES = 1 << 20;

  private final NativeSocket socket;
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).order(ByteOrder.nativeOrder());
  private volatile boolean running = true;
  private Thread thread;

  private NetlinkMonitor(NativeSocket socket) {
    this.socket = socket;
  }

  /** Opens the socket in the calling thread's network namespace. */
  static NetlinkMonitor open() throws ErrnoException {
    NativeSocket socket =
        NativeSocket.open(
            NativeSocket.AF_NETLINK, NativeSocket.SOCK_RAW, RouteSocket.NETLINK_ROUTE);
    try {
      socket.setOption(NativeSocket.SOL_SOCKET, NativeSocket.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
      socket.setReceiveTimeout(WAKE_UP);
      socket.bind(
          RouteSocket.sockaddr(
              NetlinkMessages.RTMGRP_LINK
                  | NetlinkMessages.RTMGRP_IPV4_IFADDR
                  | NetlinkMessages.RTMGRP_IPV6_IFADDR));
      return new NetlinkMonitor(socket);
    } catch (ErrnoException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Starts the reader thread (created by the caller, so it shares its namespace). Each message goes
   * to {@code handler} positioned at its header; {@code overflow} runs when the kernel dropped
   * messages (ENOBUFS) and state must be read again.
   */
  void start(Consumer<ByteBuffer> handler, Runnable overflow) {
    thread =
        Thread.ofPlatform()
            .name("relais-dataplane-monitor")
            .daemon()
            .start(() -> read(handler, overflow));
  }

  private void read(Consumer<ByteBuffer> handler, Runnable overflow) {
    try {
      readUntilClosed(handler, overflow);
    } finally {
      socket.close();
    }
  }

  private void readUntilClosed(Consumer<ByteBuffer> handler, Runnable overflow) {
    while (running) {
      buffer.clear();
      try {
        if (socket.receive(buffer) < 0 || !running) {
          continue;
        }
      } catch (ErrnoException e) {
        if (e.errno() == ENOBUFS) {
          LOG.warn("netlink monitor overflowed; reading link and address state again");
          overflow.run();
        } else if (running) {
          LOG.error("netlink monitor failed, events stop: {}", e.getMessage());
          return;
        }
        continue;
      }
      buffer.flip();
      while (buffer.remaining() >= NetlinkMessages.HEADER) {
        int at = buffer.position();
        int length = buffer.getInt(at);
        if (length < NetlinkMessages.HEADER || at + length > buffer.limit()) {
          break;
        }
        ByteBuffer message = buffer.duplicate().order(ByteOrder.nativeOrder());
        message.limit(at + length).position(at);
        try {
          handler.accept(message);
        } catch (RuntimeException e) {
          LOG.error("netlink event handler failed", e);
        }
        buffer.position(Math.min(buffer.limit(), at + NetlinkMessages.align(length)));
      }
    }
  }

  /** Stops the thread within one receive timeout; it closes the socket. */
  @Override
  public void close() {
    running = false;
    if (thread == null) {
      socket.close();
    }
  }
}
