package dev.relais.agent.transport;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/** The agent's single event loop: epoll where the native library loads, NIO otherwise. */
public final class EventLoops {
  private EventLoops() {}

  public static boolean epoll() {
    return Epoll.isAvailable();
  }

  /**
   * One thread: it owns the election machines, timers and packet handling. netty wakes a loop with
   * nothing scheduled once a second (SingleThreadEventExecutor's purge interval stands in for a
   * missing deadline); an hourly no-op gives it a deadline, so a loop with no nearer timer (the
   * HTTP endpoints', an agent serving no cluster) sleeps until a socket or a task wakes it.
   */
  public static EventLoopGroup single(String name) {
    IoHandlerFactory factory = epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true), factory);
    group.scheduleAtFixedRate(() -> {}, 1, 1, TimeUnit.HOURS);
    return group;
  }

  /** The TCP listener of a loop made by {@link #single} (the HTTP endpoints). */
  public static Class<? extends ServerSocketChannel> serverSocketChannel() {
    return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  static Class<? extends DatagramChannel> datagramChannel() {
    return epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  /**
   * A datagram channel of one address family. Multicast options follow the socket's family, so a
   * socket that sends to an IPv4 group through {@code IP_MULTICAST_IF} must be an IPv4 socket (a
   * dual-stack one sets the IPv6 option, which an interface without IPv6 refuses).
   */
  static ChannelFactory<DatagramChannel> datagramChannel(SocketProtocolFamily family) {
    return epoll() ? () -> new EpollDatagramChannel(family) : () -> new NioDatagramChannel(family);
  }
}
