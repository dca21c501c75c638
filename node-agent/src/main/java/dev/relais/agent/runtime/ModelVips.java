package dev.relais.agent.runtime;

import dev.relais.agent.dataplane.Announcement;
import dev.relais.agent.dataplane.Lifetime;
import dev.relais.agent.dataplane.VirtualIp;
import dev.relais.agent.protocol.StateSnapshot;
import dev.relais.model.ClusterModel;
import dev.relais.model.VipGroup;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a cluster model says about its VIPs, in the data plane's terms. */
final class ModelVips {
  private ModelVips() {}

  static List<VirtualIp> vips(VipGroup g) {
    return g.vips().stream()
        .map(v -> new VirtualIp(v.address(), v.prefix(), v.iface(), v.label()))
        .toList();
  }

  static Optional<VipGroup> group(ClusterModel model, String name) {
    return model.vipGroups().stream().filter(g -> g.name().equals(name)).findFirst();
  }

  static Announcement announcement(ClusterModel model) {
    return new Announcement(
        model.announce().count(),
        model.announce().interval(),
        model.announce().refresh(),
        Announcement.ArpForms.REQUEST_AND_REPLY);
  }

  /** {@code addressLifetimeSeconds: 0} means permanent addresses. */
  static Lifetime lifetime(ClusterModel model) {
    Duration lifetime = model.addressLifetime();
    return lifetime.isZero() ? Lifetime.permanent() : Lifetime.expiring(lifetime);
  }

  /**
   * Groups to probe for a second owner and their addresses: held ones (what was installed), and
   * ones a live peer owns (what the config says).
   */
  static Map<String, List<VirtualIp>> probed(
      ClusterModel model, StateSnapshot snapshot, HeldGroups held) {
    Map<String, List<VirtualIp>> out = new LinkedHashMap<>();
    for (VipGroup g : model.vipGroups()) {
      boolean owned =
          snapshot != null
              && snapshot.groups().stream()
                  .anyMatch(v -> v.group().equals(g.name()) && !v.owner().isEmpty());
      if (held.holds(g.name())) {
        out.put(g.name(), held.addresses(g.name()));
      } else if (owned) {
        out.put(g.name(), vips(g));
      }
    }
    return out;
  }
}
