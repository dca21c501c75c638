package dev.relais.agent.runtime;

import dev.relais.agent.protocol.HeartbeatCodec;
import dev.relais.agent.transport.TransportConfig;
import dev.relais.agent.transport.UdpTransport;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One UDP socket per local binding, shared by every cluster (and every generation of a cluster's
 * paths) that uses it. Two sockets bound to one address and port with {@code SO_REUSEADDR} split
 * unicast datagrams between them, so a second cluster on the same heartbeat address would go deaf;
 * here each datagram goes to the cluster its header names. Leases are counted: the socket closes
 * with the last one.
 */
final class SharedSockets {
  private final EventLoopGroup loop;
  private final Consumer<String> unknownCluster;
  private final Map<TransportConfig, Shared> sockets = new HashMap<>();

  /**
   * @param unknownCluster told of a datagram naming no cluster that shares its socket
   */
  SharedSockets(EventLoopGroup loop, Consumer<String> unknownCluster) {
    this.loop = loop;
    this.unknownCluster = unknownCluster;
  }

  /** A cluster's use of one socket. Close once; the socket stays open while others use it. */
  final class Lease implements AutoCloseable {
    private final TransportConfig config;
    private final String cluster;
    private final Shared shared;
    private boolean closed;

    private Lease(TransportConfig config, String cluster, Shared shared) {
      this.config = config;
      this.cluster = cluster;
      this.shared = shared;
    }

    UdpTransport socket() {
      return shared.socket;
    }

    /**
     * Defers this socket's reads (see {@link UdpTransport#deferReads}) while this cluster is its
     * only user: another cluster's datagrams must not wait on this one's schedule.
     */
    void deferReads(boolean defer) {
      synchronized (SharedSockets.this) {
        Subscriber one = shared.only;
        shared.socket.deferReads(
            defer && !closed && one != null && one == shared.receivers.get(cluster));
      }
    }

    /** Reads what waited on a deferred socket; see {@link UdpTransport#drain}. On the loop. */
    void drain() {
      if (!closed) shared.socket.drain();
    }

    @Override
    public void close() {
      synchronized (SharedSockets.this) {
        if (closed) return;
        closed = true;
        Subscriber s = shared.receivers.get(cluster);
        if (s != null && --s.leases == 0) {
          shared.receivers.remove(cluster);
          shared.byTag.remove(HeartbeatCodec.clusterTag(cluster));
          shared.noteOnly();
        }
        if (--shared.leases == 0) {
          sockets.remove(config);
          shared.socket.close();
        }
      }
    }
  }

  private static final class Subscriber {
    volatile UdpTransport.Receiver receiver;
    int leases;

    Subscriber(UdpTransport.Receiver receiver) {
      this.receiver = receiver;
    }
  }

  private final class Shared implements UdpTransport.Receiver {
    final Map<String, Subscriber> receivers = new ConcurrentHashMap<>();
    final Map<Long, Subscriber> byTag = new ConcurrentHashMap<>();
    // The common case, one cluster per socket, kept apart so a datagram costs no map lookup: its
    // codec checks the cluster anyway. Written under the registry's lock, read on the loop.
    volatile Subscriber only;
    UdpTransport socket;
    int leases;

    void noteOnly() {
      only = receivers.size() == 1 ? receivers.values().iterator().next() : null;
      if (only == null && socket != null) socket.deferReads(false);
    }

    @Override
    public void onDatagram(byte[] data, int length, InetSocketAddress sender, long queuedAgo) {
      Subscriber one = only;
      if (one != null) {
        one.receiver.onDatagram(data, length, sender, queuedAgo);
        return;
      }
      OptionalLong tag = HeartbeatCodec.peekClusterTag(data, 0, length);
      Subscriber s = tag.isPresent() ? byTag.get(tag.getAsLong()) : null;
      if (s != null) {
        s.receiver.onDatagram(data, length, sender, queuedAgo);
      } else {
        unknownCluster.accept(tag.isPresent() ? "CLUSTER" : "MALFORMED");
      }
    }
  }

  /**
   * The socket for {@code config}, bound now if no cluster uses it yet. The receiver runs on the
   * event loop. A cluster may hold several leases on one socket (old and new paths during a
   * change); it must pass the same receiver to each.
   */
  synchronized Lease acquire(TransportConfig config, String cluster, UdpTransport.Receiver receiver)
      throws IOException {
    Shared shared = sockets.get(config);
    if (shared == null) {
      Shared fresh = new Shared();
      try {
        fresh.socket = UdpTransport.bind(loop, config, fresh);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while binding a heartbeat socket", e);
      } catch (Exception e) { // netty rethrows the bind's cause unchecked, whatever it is
        throw new IOException(
            e.getMessage()
                + (config.bindAddress().isPresent()
                    ? " (is the address configured on this host?)"
                    : ""),
            e);
      }
      sockets.put(config, fresh);
      shared = fresh;
    }
    // Datagrams are routed by a 4-byte tag: two clusters whose tags collide cannot share a socket.
    long tag = HeartbeatCodec.clusterTag(cluster);
    for (Map.Entry<String, Subscriber> other : shared.receivers.entrySet()) {
      if (!other.getKey().equals(cluster) && HeartbeatCodec.clusterTag(other.getKey()) == tag) {
        throw new TagCollision(
            "clusters "
                + other.getKey()
                + " and "
                + cluster
                + " share a heartbeat socket and the wire tag 0x"
                + Long.toHexString(tag)
                + "; rename one or give it another port or address");
      }
    }
    shared.leases++;
    Subscriber subscriber =
        shared.receivers.computeIfAbsent(cluster, c -> new Subscriber(receiver));
    subscriber.receiver = receiver; // the newest runtime of the cluster, should one replace another
    subscriber.leases++;
    shared.byTag.put(tag, subscriber);
    shared.noteOnly();
    return new Lease(config, cluster, shared);
  }

  /**
   * Two of the agent's clusters would share a socket and a wire tag: a config error, not a host's.
   */
  static final class TagCollision extends IOException {
    TagCollision(String message) {
      super(message);
    }
  }

  /** Open sockets, for tests and diagnostics. */
  synchronized int open() {
    return sockets.size();
  }
}
