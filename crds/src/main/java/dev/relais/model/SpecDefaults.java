package dev.relais.model;

import dev.relais.api.v1alpha1.AnnounceSpec;
import dev.relais.api.v1alpha1.AuthSecretRef;
import dev.relais.api.v1alpha1.DampingSpec;
import dev.relais.api.v1alpha1.FailbackPolicy;
import dev.relais.api.v1alpha1.FailbackSpec;
import dev.relais.api.v1alpha1.HealthSpec;
import dev.relais.api.v1alpha1.HeartbeatSpec;
import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.PingGroupSpec;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.Transport;
import dev.relais.api.v1alpha1.VipGroupSpec;
import dev.relais.api.v1alpha1.VipSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Applies the CRD's schema defaults to a copy of a spec, as a real API server does before it
 * validates. The mock API server and local files get no defaulting, so every reader goes through
 * here; a test holds these values equal to the {@code default:} entries of the generated CRD.
 *
 * <p>The copy is written out by hand rather than made by a Jackson round trip, so the node agent
 * reads its config without loading Jackson's data binding (docs/design/runtime.md, "JVM settings");
 * {@code SpecCopyTest} fails if a field of the spec classes is added and not copied here.
 */
public final class SpecDefaults {
  private SpecDefaults() {}

  public static RouterClusterSpec applied(RouterClusterSpec spec) {
    RouterClusterSpec copy = copy(spec);
    HeartbeatSpec hb = copy.heartbeat == null ? new HeartbeatSpec() : copy.heartbeat;
    if (hb.keepaliveMs == null) hb.keepaliveMs = HeartbeatSpec.DEFAULT_KEEPALIVE_MS;
    if (hb.deadTimeMs == null) hb.deadTimeMs = HeartbeatSpec.DEFAULT_DEADTIME_MS;
    if (hb.port == null) hb.port = HeartbeatSpec.DEFAULT_PORT;
    if (hb.transport == null) hb.transport = Transport.Unicast;
    copy.heartbeat = hb;
    FailbackSpec fb = copy.failback == null ? new FailbackSpec() : copy.failback;
    if (fb.policy == null) fb.policy = FailbackPolicy.Auto;
    DampingSpec damping = fb.damping == null ? new DampingSpec() : fb.damping;
    if (damping.enabled == null) damping.enabled = DampingSpec.DEFAULT_ENABLED;
    if (damping.moves == null) damping.moves = DampingSpec.DEFAULT_MOVES;
    fb.damping = damping;
    copy.failback = fb;
    AnnounceSpec an = copy.announce == null ? new AnnounceSpec() : copy.announce;
    if (an.count == null) an.count = AnnounceSpec.DEFAULT_COUNT;
    if (an.intervalMs == null) an.intervalMs = AnnounceSpec.DEFAULT_INTERVAL_MS;
    if (an.refreshSeconds == null) an.refreshSeconds = AnnounceSpec.DEFAULT_REFRESH_SECONDS;
    copy.announce = an;
    if (copy.addressLifetimeSeconds == null) {
      copy.addressLifetimeSeconds = RouterClusterSpec.DEFAULT_ADDRESS_LIFETIME_SECONDS;
    }
    return copy;
  }

  /** A deep copy: nothing mutable is shared with {@code spec}. */
  static RouterClusterSpec copy(RouterClusterSpec spec) {
    RouterClusterSpec c = new RouterClusterSpec();
    c.nodes = list(spec.nodes, SpecDefaults::copy);
    c.vipGroups = list(spec.vipGroups, SpecDefaults::copy);
    c.authSecretRef =
        spec.authSecretRef == null
            ? null
            : new AuthSecretRef(spec.authSecretRef.name, spec.authSecretRef.activeKeyId);
    c.heartbeat = spec.heartbeat == null ? null : copy(spec.heartbeat);
    c.failback =
        spec.failback == null
            ? null
            : new FailbackSpec(
                spec.failback.policy, spec.failback.delayMs, copy(spec.failback.damping));
    c.health = spec.health == null ? null : copy(spec.health);
    c.standby = strings(spec.standby);
    c.announce = spec.announce == null ? null : copy(spec.announce);
    c.addressLifetimeSeconds = spec.addressLifetimeSeconds;
    return c;
  }

  private static NodeSpec copy(NodeSpec n) {
    return new NodeSpec(n.name, n.priority, strings(n.addresses));
  }

  private static VipGroupSpec copy(VipGroupSpec g) {
    VipGroupSpec c =
        new VipGroupSpec(g.name, g.preferredNode, list(g.addresses, SpecDefaults::copy));
    c.requestedNode = g.requestedNode;
    return c;
  }

  private static VipSpec copy(VipSpec v) {
    return new VipSpec(v.address, v.iface, v.label);
  }

  private static HeartbeatSpec copy(HeartbeatSpec h) {
    HeartbeatSpec c = new HeartbeatSpec();
    c.keepaliveMs = h.keepaliveMs;
    c.warnTimeMs = h.warnTimeMs;
    c.deadTimeMs = h.deadTimeMs;
    c.initDeadMs = h.initDeadMs;
    c.port = h.port;
    c.transport = h.transport;
    c.interfaces = strings(h.interfaces);
    c.multicastGroup = h.multicastGroup;
    c.multicastTtl = h.multicastTtl;
    return c;
  }

  private static DampingSpec copy(DampingSpec d) {
    return d == null ? null : new DampingSpec(d.enabled, d.moves, d.windowMs);
  }

  private static HealthSpec copy(HealthSpec h) {
    HealthSpec c = new HealthSpec();
    c.interfaces = strings(h.interfaces);
    c.pingTargets = strings(h.pingTargets);
    c.pingGroups = list(h.pingGroups, SpecDefaults::copy);
    return c;
  }

  private static PingGroupSpec copy(PingGroupSpec g) {
    PingGroupSpec c = new PingGroupSpec();
    c.name = g.name;
    c.targets = strings(g.targets);
    c.arpInterface = g.arpInterface;
    return c;
  }

  private static AnnounceSpec copy(AnnounceSpec a) {
    AnnounceSpec c = new AnnounceSpec();
    c.count = a.count;
    c.intervalMs = a.intervalMs;
    c.refreshSeconds = a.refreshSeconds;
    return c;
  }

  /** A mutable copy, as Jackson would build (users of the spec may add to its lists). */
  private static <T> List<T> list(List<T> items, UnaryOperator<T> copy) {
    if (items == null) return null;
    List<T> out = new ArrayList<>(items.size());
    for (T item : items) out.add(item == null ? null : copy.apply(item));
    return out;
  }

  private static List<String> strings(List<String> items) {
    return items == null ? null : new ArrayList<>(items);
  }
}
