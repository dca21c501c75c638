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
  // RFC 5227 §2.1.1 sends PROBE_NUM = 3 probes; spread over the window, a second or third probe
  // also reaches a holder whose kernel joined the VIP's solicited-node group a moment late.
  private static final int PROBES = 3;

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
      byte[] destination =
          PacketAddress.link(ethertype, device.index(), Arrays.copyOfRange(frame.array(), 0, 6));
      Set<String> others = new HashSet<>();
      ByteBuffer buffer = ByteBuffer.allocate(2048);
      long start = System.nanoTime();
      long deadline = start + window.toNanos();
      int sent = 0;
      for (long now = start; now < deadline; now = System.nanoTime()) {
        long nextProbe = start + window.toNanos() * sent / PROBES;
        if (sent < PROBES && now >= nextProbe) {
          socket.sendTo(frame.duplicate(), destination);
          sent++;
          continue;
        }
        long until =
            sent < PROBES ? Math.min(deadline, start + window.toNanos() * sent / PROBES) : deadline;
        socket.setReceiveTimeout(Duration.ofNanos(Math.max(1, until - now)));
        buffer.clear();
        if (socket.receive(buffer) < 0) {
          continue;
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
