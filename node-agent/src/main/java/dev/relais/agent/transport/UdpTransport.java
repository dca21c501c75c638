package dev.relais.agent.transport;

import dev.relais.agent.protocol.HeartbeatCodec;
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
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
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

  /** Called on the event loop for each datagram; {@code data} is valid only during the call. */
  public interface Receiver {
    void onDatagram(byte[] data, int length, InetSocketAddress sender);
  }

  private final Channel channel;

  private UdpTransport(Channel channel) {
    this.channel = channel;
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
                receiver.onDatagram(scratch, length, packet.sender());
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
    return new UdpTransport(ch);
  }

  private static NetworkInterface networkInterface(String name) throws SocketException {
    NetworkInterface nif = NetworkInterface.getByName(name);
    if (nif == null) {
      throw new SocketException("multicast interface " + name + " does not exist");
    }
    return nif;
  }

  /**
   * Sends one datagram to each of {@code destinations}. Any thread; never blocks. A failed send
   * reaches {@code exceptionCaught} (the void promise saves a promise and a listener per datagram).
   */
  public void send(byte[] data, int length, List<InetSocketAddress> destinations) {
    for (int i = 0; i < destinations.size(); i++) {
      ByteBuf buf = channel.alloc().directBuffer(length).writeBytes(data, 0, length);
      channel.write(new DatagramPacket(buf, destinations.get(i)), channel.voidPromise());
    }
    channel.flush();
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
