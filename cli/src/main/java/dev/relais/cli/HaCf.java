package dev.relais.cli;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What ha.cf says that a RouterCluster can carry, as heartbeat 3 read it (heartbeat-3.md §3);
 * absent directives are empty, heartbeat's defaults are applied later by {@link ClusterImporter}.
 */
public record HaCf(
    int lineCount,
    Optional<Located<Duration>> keepalive,
    Optional<Located<Duration>> deadtime,
    Optional<Located<Duration>> warntime,
    Optional<Located<Duration>> initdead,
    List<Medium> media,
    List<Located<String>> nodes,
    Optional<Located<AutoFailback>> autoFailback,
    List<Located<InetAddress>> pingTargets,
    List<PingGroup> pingGroups,
    boolean respawnsIpfail,
    Optional<Located<String>> clusterName,
    List<Diagnostic> diagnostics) {

  public HaCf {
    media = List.copyOf(media);
    nodes = List.copyOf(nodes);
    pingTargets = List.copyOf(pingTargets);
    pingGroups = List.copyOf(pingGroups);
    diagnostics = List.copyOf(diagnostics);
  }

  /** ha.cf auto_failback (nice_failback on = OFF, off = LEGACY). */
  public enum AutoFailback {
    ON,
    OFF,
    LEGACY
  }

  /** A heartbeat path; the port is the udpport in effect where the line stood. */
  public sealed interface Medium {
    int line();

    int port();

    String kind();

    record Bcast(String iface, int port, int line) implements Medium {
      @Override
      public String kind() {
        return "bcast";
      }
    }

    record Mcast(String iface, InetAddress group, int port, int ttl, int line) implements Medium {
      @Override
      public String kind() {
        return "mcast";
      }
    }

    record Ucast(String iface, InetAddress peer, int port, int line) implements Medium {
      @Override
      public String kind() {
        return "ucast";
      }
    }
  }

  /** ha.cf ping_group NAME HOST...: reachable while any host answers. */
  public record PingGroup(String name, List<InetAddress> targets, int line) {
    public PingGroup {
      targets = List.copyOf(targets);
    }
  }
}
