package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.ffm.NativeSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Raw {@code sockaddr} bytes: sockaddr_ll (linux/if_packet.h), sockaddr_in, sockaddr_in6. */
final class PacketAddress {
  private static final int ARPHRD_ETHER = 1;

  private PacketAddress() {}

  /** sockaddr_ll for bind (receive {@code ethertype} on one interface) or sendto. */
  static byte[] link(int ethertype, int ifindex, byte[] destinationMac) {
    ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
    b.putShort((short) NativeSocket.AF_PACKET);
    b.order(ByteOrder.BIG_ENDIAN).putShort((short) ethertype).order(ByteOrder.nativeOrder());
    b.putInt(ifindex).putShort((short) ARPHRD_ETHER).put((byte) 0).put((byte) 6);
    b.put(destinationMac).put(new byte[2]);
    return b.array();
  }

  /** sockaddr_in / sockaddr_in6 with port 0 (ICMP has none; IPv6 scope id 0). */
  static byte[] internet(InetAddress address) {
    if (address instanceof Inet4Address) {
      ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
      b.putShort((short) NativeSocket.AF_INET).putShort((short) 0).put(address.getAddress());
      return b.array();
    }
    ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
    b.putShort((short) NativeSocket.AF_INET6).putShort((short) 0).putInt(0);
    b.put(address.getAddress()).putInt(0);
    return b.array();
  }
}
