package dev.relais.model;

import dev.relais.api.v1alpha1.DampingSpec;
import dev.relais.api.v1alpha1.FailbackPolicy;
import dev.relais.api.v1alpha1.HeartbeatSpec;
import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.VipGroupSpec;
import dev.relais.api.v1alpha1.VipSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** RouterCluster → {@link ClusterModel}: defaults, validation, then records. The one boundary. */
public final class RouterClusterTranslator {
  private RouterClusterTranslator() {}

  public static Translation translate(RouterCluster cr) {
    if (cr.getSpec() == null) {
      return new Translation.Invalid(List.of(new Violation("spec", "Required value")));
    }
    Long generation = cr.getMetadata().getGeneration();
    return translate(
        Objects.requireNonNullElse(cr.getMetadata().getNamespace(), "default"),
        cr.getMetadata().getName(),
        generation == null ? 1 : generation,
        cr.getSpec());
  }

  public static Translation translate(
      String namespace, String name, long generation, RouterClusterSpec userSpec) {
    List<Violation> violations = RouterClusterValidator.validate(userSpec);
    if (!violations.isEmpty()) {
      return new Translation.Invalid(violations);
    }
    RouterClusterSpec spec = SpecDefaults.applied(userSpec);
    return new Translation.Valid(
        new ClusterModel(
            namespace,
            name,
            generation,
            spec.nodes.stream().map(RouterClusterTranslator::node).toList(),
            spec.vipGroups.stream().map(RouterClusterTranslator::group).toList(),
            new AuthRef(spec.authSecretRef.name, spec.authSecretRef.activeKeyId),
            timing(spec.heartbeat),
            new Failback(
                spec.failback.policy,
                spec.failback.policy == FailbackPolicy.Delayed
                    ? Duration.ofMillis(spec.failback.delayMs)
                    : Duration.ZERO,
                damping(spec.failback.damping, spec.heartbeat)),
            health(spec),
            spec.standby == null ? Set.of() : Set.copyOf(spec.standby),
            new Announce(
                spec.announce.count,
                Duration.ofMillis(spec.announce.intervalMs),
                Duration.ofSeconds(spec.announce.refreshSeconds)),
            Duration.ofSeconds(spec.addressLifetimeSeconds)));
  }

  private static Node node(NodeSpec n) {
    List<InetAddress> addresses =
        n.addresses == null
            ? List.of()
            : n.addresses.stream().map(RouterClusterTranslator::ip).toList();
    return new Node(n.name, n.priority == null ? Node.DEFAULT_PRIORITY : n.priority, addresses);
  }

  private static VipGroup group(VipGroupSpec g) {
    List<VirtualIp> vips = new ArrayList<>();
    for (VipSpec v : g.addresses) {
      Addresses.Cidr cidr = Addresses.parseCidr(v.address).orElseThrow();
      vips.add(new VirtualIp(cidr.address(), cidr.prefix(), v.iface, Optional.ofNullable(v.label)));
    }
    return new VipGroup(g.name, g.preferredNode, Optional.ofNullable(g.requestedNode), vips);
  }

  /** Heartbeat's derived defaults (heartbeat-3.md §3.2): warntime = deadtime / 2, initdead. */
  private static Failback.Damping damping(DampingSpec d, HeartbeatSpec hb) {
    Duration window =
        d.windowMs != null
            ? Duration.ofMillis(d.windowMs)
            : Duration.ofMillis(hb.deadTimeMs).multipliedBy(DampingSpec.DEFAULT_WINDOW_DEADTIMES);
    return new Failback.Damping(d.enabled, d.moves, window);
  }

  private static Timing timing(HeartbeatSpec hb) {
    Duration keepalive = Duration.ofMillis(hb.keepaliveMs);
    Duration dead = Duration.ofMillis(hb.deadTimeMs);
    Duration warn =
        hb.warnTimeMs != null
            ? Duration.ofMillis(hb.warnTimeMs)
            : max(keepalive, dead.dividedBy(2));
    Duration initDead =
        hb.initDeadMs != null ? Duration.ofMillis(hb.initDeadMs) : dead.multipliedBy(2);
    return new Timing(
        keepalive,
        warn,
        dead,
        initDead,
        hb.port,
        hb.transport,
        hb.interfaces == null ? List.of() : hb.interfaces,
        Optional.ofNullable(hb.multicastGroup).map(RouterClusterTranslator::ip),
        hb.multicastTtl == null ? 1 : hb.multicastTtl);
  }

  private static Health health(RouterClusterSpec spec) {
    if (spec.health == null) {
      return new Health(List.of(), List.of());
    }
    List<Health.PingGroup> groups = new ArrayList<>();
    if (spec.health.pingTargets != null) {
      spec.health.pingTargets.forEach(t -> groups.add(new Health.PingGroup(t, List.of(ip(t)))));
    }
    if (spec.health.pingGroups != null) {
      spec.health.pingGroups.forEach(
          g ->
              groups.add(
                  new Health.PingGroup(
                      g.name,
                      g.targets.stream().map(RouterClusterTranslator::ip).toList(),
                      Optional.ofNullable(g.arpInterface))));
    }
    return new Health(spec.health.interfaces == null ? List.of() : spec.health.interfaces, groups);
  }

  private static InetAddress ip(String text) {
    return Addresses.parse(text).orElseThrow();
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
