package dev.relais.operator.config;

import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.VipGroupSpec;
import dev.relais.api.v1alpha1.VipSpec;
import dev.relais.model.Addresses;
import dev.relais.model.SpecDefaults;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Conflicts between RouterClusters that would break each other on the same routers: the same VIP
 * claimed twice (two owners), or one node's heartbeat address and port used by two clusters (one
 * socket would get each datagram: one cluster goes deaf). The older cluster keeps running; the
 * younger is held (not rendered) until the conflict is gone. Pure.
 */
public final class ClusterConflicts {
  private ClusterConflicts() {}

  /** One conflict with another cluster; {@code held} when this cluster is the younger one. */
  public record Conflict(String other, String detail, boolean held) {}

  /** What a cluster claims on the routers, for cheap comparison. */
  public record Claims(String id, String creation, Set<InetAddress> vips, Set<String> sockets) {
    public static Claims of(RouterCluster cluster) {
      String id = cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
      Set<InetAddress> vips = new HashSet<>();
      Set<String> sockets = new HashSet<>();
      RouterClusterSpec spec = cluster.getSpec();
      if (spec != null) {
        RouterClusterSpec applied = SpecDefaults.applied(spec);
        for (VipGroupSpec g :
            Objects.requireNonNullElse(applied.vipGroups, List.<VipGroupSpec>of())) {
          for (VipSpec v : Objects.requireNonNullElse(g.addresses, List.<VipSpec>of())) {
            Addresses.parseCidr(v.address).ifPresent(c -> vips.add(c.address()));
          }
        }
        int port = applied.heartbeat.port;
        for (NodeSpec n : Objects.requireNonNullElse(applied.nodes, List.<NodeSpec>of())) {
          for (String a : Objects.requireNonNullElse(n.addresses, List.<String>of())) {
            Addresses.parse(a)
                .ifPresent(ip -> sockets.add(n.name + " " + ip.getHostAddress() + ":" + port));
          }
        }
      }
      String created = Objects.requireNonNullElse(cluster.getMetadata().getCreationTimestamp(), "");
      return new Claims(id, created, Set.copyOf(vips), Set.copyOf(sockets));
    }

    boolean overlaps(Claims o) {
      return !java.util.Collections.disjoint(vips, o.vips)
          || !java.util.Collections.disjoint(sockets, o.sockets);
    }
  }

  /**
   * @param published whether agents already run a config of the cluster with this id (asked only of
   *     the clusters that overlap)
   */
  public static List<Conflict> find(
      Claims self, Iterable<Claims> others, java.util.function.Predicate<String> published) {
    List<Conflict> out = new ArrayList<>();
    for (Claims o : others) {
      if (o.id().equals(self.id()) || !self.overlaps(o)) continue;
      List<String> what = new ArrayList<>();
      self.vips().stream()
          .filter(o.vips()::contains)
          .map(InetAddress::getHostAddress)
          .sorted()
          .forEach(ip -> what.add("VIP " + ip));
      self.sockets().stream()
          .filter(o.sockets()::contains)
          .sorted()
          .forEach(s -> what.add("heartbeat socket " + s));
      out.add(new Conflict(o.id(), String.join(", ", what), younger(self, o, published)));
    }
    out.sort(Comparator.comparing(Conflict::other));
    return out;
  }

  /**
   * A published cluster wins over one not yet rendered; then the older (creation times have second
   * resolution, RFC 3339 sorts as text); then the id, so exactly one side is held.
   */
  private static boolean younger(
      Claims self, Claims other, java.util.function.Predicate<String> published) {
    boolean mine = published.test(self.id()), theirs = published.test(other.id());
    if (mine != theirs) return theirs;
    int byTime = self.creation().compareTo(other.creation());
    return byTime != 0 ? byTime > 0 : self.id().compareTo(other.id()) > 0;
  }
}
