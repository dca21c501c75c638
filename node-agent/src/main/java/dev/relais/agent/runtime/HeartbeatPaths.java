package dev.relais.agent.runtime;

import dev.relais.agent.transport.TransportConfig;
import dev.relais.agent.transport.UdpTransport;
import dev.relais.api.v1alpha1.Transport;
import dev.relais.model.ClusterModel;
import dev.relais.model.Node;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets of one cluster and where each path's heartbeats go. Unicast: one socket per own
 * address (path i), sending to every peer's address i (heartbeat's ucast), and beside it one socket
 * per peer connected to that peer's address i, which the kernel gives that peer's datagrams and no
 * one else's, so a flood from other hosts fills another queue than the peers' heartbeats.
 * Broadcast: one socket, path i goes to interface i's broadcast address (bcast). Multicast: one
 * socket joined on every interface receives, and path i is sent from a socket of its own that
 * leaves by interface i ({@code IP_MULTICAST_IF}), so each path keeps to its link (mcast).
 */
final class HeartbeatPaths implements PathSender {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatPaths.class);

  /**
   * What a unicast path's own socket reads at most, a second. Peers' heartbeats arrive on their
   * connected sockets; this one gets everyone else's datagrams, and a peer's only while its
   * connected socket could not open or its new address is not in this node's config yet. 5,000 a
   * second covers five such peers at the fastest keepalive (1 ms) and bounds a flood from other
   * hosts to about a tenth of a core (forgeries at 20 µs each). The same for every cluster, since
   * clusters on one binding share the socket.
   */
  static final int STRANGER_READS_PER_SECOND = 5000;

  /** Opens the paths of a cluster for a node; the receiver runs on the event loop. */
  @FunctionalInterface
  interface Opener {
    PathSender open(ClusterModel model, String self, UdpTransport.Receiver receiver)
        throws IOException;
  }

  private final List<SharedSockets.Lease> sockets;
  private final List<UdpTransport> socketOfPath;
  private final List<List<InetSocketAddress>> destinationsOfPath;

  private HeartbeatPaths(
      List<SharedSockets.Lease> sockets,
      List<UdpTransport> socketOfPath,
      List<List<InetSocketAddress>> destinationsOfPath) {
    this.sockets = List.copyOf(sockets);
    this.socketOfPath = List.copyOf(socketOfPath);
    this.destinationsOfPath = List.copyOf(destinationsOfPath);
  }

  /** Paths over the agent's shared sockets (see {@link SharedSockets}). */
  static Opener udp(SharedSockets shared) {
    return (model, self, receiver) -> open(shared, model, self, receiver);
  }

  static HeartbeatPaths open(
      SharedSockets shared, ClusterModel model, String self, UdpTransport.Receiver receiver)
      throws IOException {
    int port = model.timing().port();
    String cluster = model.clusterId();
    List<SharedSockets.Lease> sockets = new ArrayList<>();
    List<UdpTransport> socketOfPath = new ArrayList<>();
    List<List<InetSocketAddress>> destinations = new ArrayList<>();
    try {
      if (model.timing().transport() == Transport.Unicast) {
        List<InetAddress> own = model.node(self).orElseThrow().addresses();
        for (int path = 0; path < own.size(); path++) {
          List<InetSocketAddress> to = new ArrayList<>();
          for (Node peer : model.nodes()) {
            if (!peer.name().equals(self) && peer.addresses().size() > path) {
              to.add(new InetSocketAddress(peer.addresses().get(path), port));
            }
          }
          TransportConfig binding =
              new TransportConfig(
                      port, Optional.of(own.get(path)), false, Optional.empty(), List.of(), 1)
                  .readingAtMost(STRANGER_READS_PER_SECOND);
          SharedSockets.Lease socket;
          try {
            socket = shared.acquire(binding, cluster, receiver);
          } catch (IOException | RuntimeException e) {
            throw new IOException(
                "node "
                    + self
                    + ": heartbeat address "
                    + own.get(path).getHostAddress()
                    + " (path "
                    + path
                    + ") is not usable: "
                    + e.getMessage(),
                e);
          }
          sockets.add(socket);
          socketOfPath.add(socket.socket());
          destinations.add(to);
          for (InetSocketAddress peer : to) {
            TransportConfig lane = binding.connectedTo(peer);
            try {
              sockets.add(shared.acquire(lane, cluster, receiver));
            } catch (IOException | RuntimeException e) {
              // Only a priority lane: the unconnected socket still hears this peer.
              LOG.warn(
                  "cluster={} node={} path {}: no socket of its own for peer {} ({}); its"
                      + " heartbeats share the path's socket",
                  cluster,
                  self,
                  path,
                  peer,
                  e.getMessage());
            }
          }
        }
      } else {
        boolean multicast = model.timing().transport() == Transport.Multicast;
        SharedSockets.Lease socket =
            shared.acquire(
                new TransportConfig(
                    port,
                    Optional.empty(),
                    !multicast,
                    multicast ? model.timing().multicastGroup() : Optional.empty(),
                    model.timing().interfaces(),
                    model.timing().multicastTtl()),
                cluster,
                receiver);
        sockets.add(socket);
        for (String ifName : model.timing().interfaces()) {
          if (multicast) {
            InetAddress group = model.timing().multicastGroup().orElseThrow();
            SharedSockets.Lease sender =
                shared.acquire(
                    multicastSender(group, ifName, model.timing().multicastTtl()),
                    cluster,
                    receiver);
            sockets.add(sender);
            socketOfPath.add(sender.socket());
            destinations.add(List.of(new InetSocketAddress(group, port)));
          } else {
            socketOfPath.add(socket.socket());
            destinations.add(List.of(new InetSocketAddress(broadcastOf(ifName), port)));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      sockets.forEach(SharedSockets.Lease::close);
      throw new IOException(
          "cannot open heartbeat sockets on UDP port " + port + ": " + e.getMessage(), e);
    }
    PathMtu.warnIfTooSmall(model, self);
    return new HeartbeatPaths(sockets, socketOfPath, destinations);
  }

  /**
   * A send-only socket for one multicast path: an ephemeral port, no group joined (the receiving
   * socket joins), {@code IP_MULTICAST_IF} set to the path's interface. Sockets bound to the
   * group's port would each get a copy of every datagram, since Linux delivers multicast to all of
   * them.
   */
  static TransportConfig multicastSender(InetAddress group, String ifName, int ttl) {
    return new TransportConfig(
        0,
        Optional.empty(),
        false,
        Optional.of(group),
        List.of(),
        ttl,
        Optional.empty(),
        Optional.of(ifName),
        0);
  }

  private static InetAddress broadcastOf(String ifName) throws IOException {
    NetworkInterface nif = NetworkInterface.getByName(ifName);
    if (nif == null) {
      throw new IOException("broadcast interface " + ifName + " does not exist");
    }
    for (InterfaceAddress a : nif.getInterfaceAddresses()) {
      if (a.getBroadcast() != null) return a.getBroadcast();
    }
    throw new IOException("interface " + ifName + " has no IPv4 broadcast address");
  }

  @Override
  public void send(int path, byte[] data, int length) {
    if (path >= 0 && path < socketOfPath.size()) {
      socketOfPath.get(path).send(data, length, destinationsOfPath.get(path));
    }
  }

  @Override
  public void deferReads(boolean defer) {
    for (int i = 0; i < sockets.size(); i++) sockets.get(i).deferReads(defer);
  }

  @Override
  public void drain() {
    for (int i = 0; i < sockets.size(); i++) sockets.get(i).drain();
  }

  @Override
  public void close() {
    sockets.forEach(SharedSockets.Lease::close);
  }
}
