package dev.relais.agent.transport;

import dev.relais.agent.protocol.HeartbeatCodec;
import dev.relais.agent.transport.ffm.DatagramSender;
import dev.relais.agent.transport.ffm.QueuedDatagrams;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeat datagrams over netty UDP. Received datagrams are handed to the {@link Receiver} on the
 * event loop thread, copied into one reused buffer (the codec never keeps it), so a heartbeat costs
 * no allocation beyond netty's pooled buffer.
 */
public final class UdpTransport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);

  /**
   * Receive buffer per datagram: the largest heartbeat a valid config produces plus one byte, so a
   * longer datagram arrives cut at a length the codec rejects as OVERSIZED (counted apart from bad
   * MACs). netty's datagram channels read into 2 KiB unless told otherwise, which cut longer
   * version 2 heartbeats so their MAC failed at every peer; the agent runs netty unpooled, so every
   * read allocates this much and no more.
   */
  public static final int RECEIVE_BUFFER_BYTES = HeartbeatCodec.MAX_DATAGRAM_BYTES + 1;

  /**
   * Datagrams one {@link #drain} reads at most: a peer's few keepalives' worth, many times over.
   */
  static final int DRAIN_MAX = 256;

  /**
   * Called on the event loop for each datagram; {@code data} is valid only during the call. {@code
   * queuedAgoNanos}: how long the datagram waited in the kernel's queue, 0 when read as it came.
   */
  public interface Receiver {
    void onDatagram(byte[] data, int length, InetSocketAddress sender, long queuedAgoNanos);
  }

  private final Channel channel;
  private final Receiver receiver;
  private final InetSocketAddress peer;
  private final QueuedDatagrams queued; // null: this socket is always read as datagrams come
  private final DatagramSender direct; // null: netty's write path sends
  private boolean deferred;
  private long drainStartEpochNanos;
  private final QueuedDatagrams.Sink sink = this::drained;

  private UdpTransport(Channel channel, Receiver receiver, TransportConfig config) {
    this.channel = channel;
    this.receiver = receiver;
    this.peer = config.connectedTo().orElse(null);
    this.queued = queuedReader(channel, config);
    this.direct = directSender(channel);
  }

  private static DatagramSender directSender(Channel channel) {
    if (!(channel instanceof EpollDatagramChannel epoll)) return null;
    try {
      return DatagramSender.of(epoll.fd().intValue(), HeartbeatCodec.MAX_DATAGRAM_BYTES);
    } catch (IOException | RuntimeException e) {
      LOG.debug("heartbeat socket {}: netty sends ({})", channel.localAddress(), e.toString());
      return null;
    }
  }

  /**
   * Reads may be deferred on a peer's own connected socket on epoll: it holds that peer's datagrams
   * only (so the sender is known), and no read budget toggles its reading. Sockets that strangers
   * reach keep being read as datagrams come.
   */
  private static QueuedDatagrams queuedReader(Channel channel, TransportConfig config) {
    if (!(channel instanceof EpollDatagramChannel epoll)
        || config.connectedTo().isEmpty()
        || config.readsPerSecond() > 0) {
      return null;
    }
    try {
      return QueuedDatagrams.of(epoll.fd().intValue(), RECEIVE_BUFFER_BYTES);
    } catch (IOException | RuntimeException e) {
      LOG.debug("heartbeat socket {}: reads cannot be deferred ({})", config.connectedTo(), e);
      return null;
    }
  }

  public static UdpTransport bind(EventLoopGroup loop, TransportConfig config, Receiver receiver)
      throws InterruptedException, SocketException {
    byte[] scratch = new byte[RECEIVE_BUFFER_BYTES];
    Bootstrap b = new Bootstrap().group(loop);
    if (config.sendInterface().isPresent() && config.multicastGroup().isPresent()) {
      b.channelFactory(
          EventLoops.datagramChannel(
              config.multicastGroup().get() instanceof Inet4Address
                  ? SocketProtocolFamily.INET
                  : SocketProtocolFamily.INET6));
    } else {
      b.channel(EventLoops.datagramChannel());
    }
    b.option(ChannelOption.IP_TOS, TransportConfig.TOS_CS6)
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_BROADCAST, config.broadcast())
        .option(
            ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER_BYTES))
        .handler(
            new SimpleChannelInboundHandler<DatagramPacket>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                ByteBuf content = packet.content();
                int length = Math.min(content.readableBytes(), scratch.length);
                content.getBytes(content.readerIndex(), scratch, 0, length);
                receiver.onDatagram(scratch, length, packet.sender(), 0);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // ICMP errors and sends racing a close: a lost heartbeat, never fatal.
                LOG.debug("heartbeat socket: {}", cause.toString());
              }
            });
    if (config.multicastGroup().isPresent()) {
      b.option(ChannelOption.IP_MULTICAST_TTL, config.multicastTtl())
          .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, true);
    }
    if (config.sendInterface().isPresent()) {
      b.option(ChannelOption.IP_MULTICAST_IF, networkInterface(config.sendInterface().get()));
    }
    InetSocketAddress local =
        config
            .bindAddress()
            .map(a -> new InetSocketAddress(a, config.port()))
            .orElseGet(() -> new InetSocketAddress(config.port()));
    if (config.readsPerSecond() > 0) {
      ReadBudget budget = new ReadBudget(config.readsPerSecond());
      ChannelHandler reader = b.config().handler();
      b.handler(
          new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
              c.pipeline().addLast(budget, reader);
            }
          });
    }
    Channel ch =
        config.connectedTo().isPresent()
            ? b.connect(config.connectedTo().get(), local).sync().channel()
            : b.bind(local).sync().channel();
    if (config.multicastGroup().isPresent()) {
      for (String ifName : config.multicastInterfaces()) {
        NetworkInterface nif;
        try {
          nif = networkInterface(ifName);
        } catch (SocketException e) {
          ch.close();
          throw e;
        }
        ((DatagramChannel) ch)
            .joinGroup(new InetSocketAddress(config.multicastGroup().get(), config.port()), nif)
            .sync();
      }
    }
    LOG.debug(
        "heartbeat transport bound to {} ({})",
        ch.localAddress(),
        EventLoops.epoll() ? "epoll" : "nio");
    return new UdpTransport(ch, receiver, config);
  }

  private static NetworkInterface networkInterface(String name) throws SocketException {
    NetworkInterface nif = NetworkInterface.getByName(name);
    if (nif == null) {
      throw new SocketException("multicast interface " + name + " does not exist");
    }
    return nif;
  }

  /**
   * Sends one datagram to each of {@code destinations}. Any thread; never blocks. On the event loop
   * over epoll, one sendto(2) each ({@link DatagramSender}); elsewhere through netty, where a
   * failed send reaches {@code exceptionCaught} (the void promise saves a promise and a listener).
   */
  public void send(byte[] data, int length, List<InetSocketAddress> destinations) {
    if (direct != null && channel.eventLoop().inEventLoop() && channel.isOpen()) {
      for (int i = 0; i < destinations.size(); i++) {
        int errno = direct.send(data, length, destinations.get(i));
        if (errno != 0) LOG.debug("heartbeat to {}: sendto errno {}", destinations.get(i), errno);
      }
      return;
    }
    for (int i = 0; i < destinations.size(); i++) {
      ByteBuf buf = channel.alloc().directBuffer(length).writeBytes(data, 0, length);
      channel.write(new DatagramPacket(buf, destinations.get(i)), channel.voidPromise());
    }
    channel.flush();
  }

  /** Whether sends on the event loop bypass netty (see {@link #send}), for tests. */
  boolean sendsDirect() {
    return direct != null;
  }

  /** Whether {@link #deferReads} can take effect on this socket. */
  public boolean deferrable() {
    return queued != null;
  }

  /**
   * Deferred: datagrams wait in the kernel's queue, waking nobody, until {@link #drain}; otherwise
   * netty reads each as it comes (and at once what waited). Any thread.
   */
  public void deferReads(boolean defer) {
    if (queued == null) return;
    if (!channel.eventLoop().inEventLoop()) {
      channel.eventLoop().execute(() -> deferReads(defer));
      return;
    }
    if (defer == deferred || !channel.isOpen()) return;
    deferred = defer;
    channel.config().setAutoRead(!defer);
  }

  /**
   * Hands every datagram that waited to the receiver, with how long it waited (by the kernel's
   * receive timestamp, so a datagram read late still counts from when it came). On the event loop;
   * does nothing unless reads are deferred.
   */
  public int drain() {
    if (!deferred || !channel.isOpen()) return 0;
    drainStartEpochNanos = epochNanos();
    try {
      return queued.drain(DRAIN_MAX, sink);
    } catch (IOException e) {
      LOG.debug("heartbeat socket {}: {}", peer, e.getMessage());
      return 0;
    }
  }

  private void drained(byte[] data, int length, long queuedEpochNanos) {
    long ago = queuedEpochNanos == 0 ? 0 : Math.max(0, drainStartEpochNanos - queuedEpochNanos);
    receiver.onDatagram(data, length, peer, ago);
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    // No sync: close may be called on the event loop itself, where blocking is forbidden.
    channel.close();
  }
}
