package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.ffm.ErrnoException;
import dev.relais.agent.dataplane.ffm.NativeSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Asks the LAN who else holds a VIP; blocks for the probe window, so it runs off the ops thread.
 */
final class OwnerProber {
  private OwnerProber() {}

  static OwnerProbe probe(Device device, VirtualIp vip, Duration window) throws ErrnoException {
    int ethertype = vip.isIpv4() ? LinkFrames.ETH_P_ARP : LinkFrames.ETH_P_IPV6;
    // Protocol 0 at socket(): nothing is queued until bind() picks the type and the interface.
    try (NativeSocket socket =
        NativeSocket.open(NativeSocket.AF_PACKET, NativeSocket.SOCK_RAW, 0)) {
      socket.bind(PacketAddress.link(ethertype, device.index(), new byte[6]));
      ByteBuffer frame =
          vip.isIpv4()
              ? LinkFrames.arpProbe(device.mac(), (Inet4Address) vip.address())
              : LinkFrames.neighborProbe(device.mac(), (Inet6Address) vip.address());
      byte[] destination = Arrays.copyOfRange(frame.array(), 0, 6);
      socket.sendTo(frame, PacketAddress.link(ethertype, device.index(), destination));
      Set<String> others = new HashSet<>();
      ByteBuffer buffer = ByteBuffer.allocate(2048);
      long deadline = System.nanoTime() + window.toNanos();
      for (long left = window.toNanos(); left > 0; left = deadline - System.nanoTime()) {
        socket.setReceiveTimeout(Duration.ofNanos(left));
        buffer.clear();
        if (socket.receive(buffer) < 0) {
          break;
        }
        buffer.flip();
        LinkFrames.claimant(buffer, vip.address())
            .filter(mac -> !Arrays.equals(mac, device.mac()))
            .ifPresent(mac -> others.add(LinkFrames.macText(mac)));
      }
      return new OwnerProbe(vip, LinkFrames.macText(device.mac()), others);
    }
  }
}
