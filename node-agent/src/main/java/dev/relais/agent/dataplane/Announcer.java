package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.ffm.ErrnoException;
import dev.relais.agent.dataplane.ffm.NativeSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Sends announcement rounds on one send-only packet socket (protocol 0: nothing is queued for
 * reading). Opened on first use so a missing CAP_NET_RAW shows up as that announce's failure.
 * Confined to the ops thread.
 */
final class Announcer implements AutoCloseable {
  private NativeSocket socket;

  /** One round: GARP request and/or reply for IPv4, one unsolicited NA for IPv6. */
  void round(Device device, VirtualIp vip, Announcement.ArpForms forms) throws ErrnoException {
    if (socket == null) {
      socket = NativeSocket.open(NativeSocket.AF_PACKET, NativeSocket.SOCK_RAW, 0);
    }
    if (vip.address() instanceof Inet4Address v4) {
      if (forms != Announcement.ArpForms.REPLY_ONLY) {
        send(
            device,
            LinkFrames.ETH_P_ARP,
            LinkFrames.gratuitousArp(LinkFrames.ARPOP_REQUEST, device.mac(), v4));
      }
      if (forms != Announcement.ArpForms.REQUEST_ONLY) {
        send(
            device,
            LinkFrames.ETH_P_ARP,
            LinkFrames.gratuitousArp(LinkFrames.ARPOP_REPLY, device.mac(), v4));
      }
    } else {
      send(
          device,
          LinkFrames.ETH_P_IPV6,
          LinkFrames.unsolicitedAdvertisement(device.mac(), (Inet6Address) vip.address()));
    }
  }

  private void send(Device device, int ethertype, ByteBuffer frame) throws ErrnoException {
    byte[] destination = Arrays.copyOfRange(frame.array(), 0, 6);
    socket.sendTo(frame, PacketAddress.link(ethertype, device.index(), destination));
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.close();
      socket = null;
    }
  }
}
