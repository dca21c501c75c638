package dev.relais.agent.runtime;

import dev.relais.agent.protocol.HeartbeatCodec;
import dev.relais.api.v1alpha1.Transport;
import dev.relais.model.ClusterModel;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether each heartbeat path's interface carries the cluster's largest heartbeat unfragmented. The
 * size budget (1,232 bytes) fits any IPv6 link, but an IPv4 link or tunnel may have a smaller MTU;
 * a fragmented heartbeat is lost whole where fragments are dropped, and the peer then sees this
 * node go silent only once its heartbeats grow (a handoff in flight, many groups held).
 */
final class PathMtu {
  private static final Logger LOG = LoggerFactory.getLogger(PathMtu.class);
  static final int UDP_HEADER_BYTES = 8;
  static final int IPV4_HEADER_BYTES = 20; // without options, which the agent never sets
  static final int IPV6_HEADER_BYTES = 40;

  /** One path: where it leaves (an interface, as the kernel reports it) and in which family. */
  record Path(int index, String interfaceName, int mtu, boolean ipv6) {}

  private PathMtu() {}

  /** What the largest heartbeat of {@code heartbeatBytes} needs of a path, with its headers. */
  static int neededBytes(int heartbeatBytes, boolean ipv6) {
    return heartbeatBytes + UDP_HEADER_BYTES + (ipv6 ? IPV6_HEADER_BYTES : IPV4_HEADER_BYTES);
  }

  /** The warning for {@code path}, if its MTU is too small for {@code heartbeatBytes}. */
  static Optional<String> check(Path path, int heartbeatBytes) {
    int needed = neededBytes(heartbeatBytes, path.ipv6());
    if (path.mtu() <= 0 || path.mtu() >= needed) {
      return Optional.empty();
    }
    return Optional.of(
        "path "
            + path.index()
            + ": interface "
            + path.interfaceName()
            + " has MTU "
            + path.mtu()
            + ", less than the "
            + needed
            + " bytes the largest heartbeat of this config takes ("
            + heartbeatBytes
            + " bytes and "
            + (needed - heartbeatBytes)
            + " of IP and UDP headers): such heartbeats go out fragmented, and are lost where"
            + " fragments are dropped; raise the MTU or use fewer nodes or VIP groups");
  }

  /**
   * One WARN per path of {@code self} whose interface is too small (paths it cannot resolve: none).
   */
  static void warnIfTooSmall(ClusterModel model, String self) {
    int bytes = HeartbeatCodec.worstCaseBytes(model.nodes().size(), model.vipGroups().size());
    for (Path path : paths(model, self)) {
      check(path, bytes)
          .ifPresent(m -> LOG.warn("cluster={} node={} {}", model.clusterId(), self, m));
    }
  }

  /** The paths of {@code self} as the kernel has them now. */
  static List<Path> paths(ClusterModel model, String self) {
    List<Path> out = new ArrayList<>();
    try {
      if (model.timing().transport() == Transport.Unicast) {
        List<InetAddress> own = model.node(self).orElseThrow().addresses();
        for (int i = 0; i < own.size(); i++) {
          NetworkInterface nif = NetworkInterface.getByInetAddress(own.get(i));
          if (nif != null) {
            out.add(new Path(i, nif.getName(), nif.getMTU(), own.get(i) instanceof Inet6Address));
          }
        }
      } else {
        boolean ipv6 =
            model.timing().transport() == Transport.Multicast
                && model.timing().multicastGroup().orElseThrow() instanceof Inet6Address;
        List<String> names = model.timing().interfaces();
        for (int i = 0; i < names.size(); i++) {
          NetworkInterface nif = NetworkInterface.getByName(names.get(i));
          if (nif != null) out.add(new Path(i, nif.getName(), nif.getMTU(), ipv6));
        }
      }
    } catch (SocketException e) {
      LOG.debug("cluster={} cannot read interface MTUs: {}", model.clusterId(), e.toString());
    }
    return out;
  }
}
