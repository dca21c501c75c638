import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The same floor as floor.c on the agent's stack (JDK 25, netty epoll, the launcher's JVM flags):
 * one event loop sending a 120-byte datagram to PEER_ADDR:PEER_PORT every PERIOD_US and reading
 * what the peer sends. No protocol, no crypto. Usage: Floor PORT PEER_ADDR PEER_PORT PERIOD_US
 */
public class Floor {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    var to = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
    long periodUs = Long.parseLong(args[3]);
    var group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    byte[] scratch = new byte[2048];
    Channel ch =
        new Bootstrap()
            .group(group)
            .channel(EpollDatagramChannel.class)
            .handler(
                new SimpleChannelInboundHandler<DatagramPacket>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                    ByteBuf b = p.content();
                    b.getBytes(b.readerIndex(), scratch, 0, Math.min(b.readableBytes(), 2048));
                  }
                })
            .bind(new InetSocketAddress("0.0.0.0", port))
            .sync()
            .channel();
    byte[] payload = new byte[120];
    ch.eventLoop()
        .scheduleAtFixedRate(
            () ->
                ch.writeAndFlush(
                    new DatagramPacket(ch.alloc().directBuffer(120).writeBytes(payload), to),
                    ch.voidPromise()),
            periodUs,
            periodUs,
            TimeUnit.MICROSECONDS);
    Thread.sleep(Long.MAX_VALUE);
  }
}
