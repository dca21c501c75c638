package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.ffm.ErrnoException;
import dev.relais.agent.dataplane.ffm.NativeSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Reachability of on-link IPv4 targets by ARP: an RFC 5227 probe (sender IP 0, so no cache learns
 * from it) to each, and any ARP from a target's address counts as its answer. Blocks up to the
 * timeout, so it runs on a probe thread.
 */
final class ArpPinger {
  private ArpPinger() {}

  static Reachability ping(Device device, PingGroup group, Duration timeout) throws ErrnoException {
    try (NativeSocket socket =
        NativeSocket.open(NativeSocket.AF_PACKET, NativeSocket.SOCK_RAW, 0)) {
      socket.bind(PacketAddress.link(LinkFrames.ETH_P_ARP, device.index(), new byte[6]));
      byte[] broadcast =
          PacketAddress.link(LinkFrames.ETH_P_ARP, device.index(), LinkFrames.BROADCAST);
      for (InetAddress target : group.targets()) {
        socket.sendTo(LinkFrames.arpProbe(device.mac(), (Inet4Address) target), broadcast);
      }
      Set<InetAddress> answered = new HashSet<>();
      ByteBuffer buffer = ByteBuffer.allocate(2048);
      long deadline = System.nanoTime() + timeout.toNanos();
      for (long left = timeout.toNanos();
          left > 0 && answered.size() < group.targets().size();
          left = deadline - System.nanoTime()) {
        socket.setReceiveTimeout(Duration.ofNanos(left));
        buffer.clear();
        if (socket.receive(buffer) < 0) {
          break;
        }
        buffer.flip();
        for (InetAddress target : group.targets()) {
          if (LinkFrames.claimant(buffer, target).isPresent()) {
            answered.add(target);
          }
        }
      }
      return new Reachability(group, answered);
    }
  }
}
