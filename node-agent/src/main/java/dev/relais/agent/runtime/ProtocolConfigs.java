package dev.relais.agent.runtime;

import dev.relais.agent.protocol.FailbackPolicy;
import dev.relais.agent.protocol.FlapDamping;
import dev.relais.agent.protocol.GroupSpec;
import dev.relais.agent.protocol.Keyring;
import dev.relais.agent.protocol.NodeSpec;
import dev.relais.agent.protocol.ProtocolConfig;
import dev.relais.agent.protocol.Timing;
import dev.relais.api.v1alpha1.Transport;
import dev.relais.model.ClusterModel;
import dev.relais.model.VipGroup;
import dev.relais.render.AgentConfigs;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The agent-side boundary: a loaded config → the protocol's own records (java.* only there). */
public final class ProtocolConfigs {
  private ProtocolConfigs() {}

  /**
   * For its first seconds a node advertises a deadTime of at least {@link #STARTUP_DEADTIME}: a
   * fresh JVM loading classes next to another starting process can stall for 100 ms, longer than
   * the fast profile's deadTime, and peers judge a node by the deadTime it advertises (heartbeat's
   * dt field). Takeovers from peers are unaffected; only this node's own death is noticed later
   * while the grace lasts.
   */
  static final Duration STARTUP_GRACE = Duration.ofSeconds(3);

  static final Duration STARTUP_DEADTIME = Duration.ofSeconds(1);

  static ProtocolConfig withStartupGrace(ProtocolConfig c) {
    Timing t = c.timing();
    if (t.deadTime().compareTo(STARTUP_DEADTIME) >= 0) {
      return c;
    }
    Duration initDead =
        t.initDead().compareTo(STARTUP_DEADTIME) >= 0 ? t.initDead() : STARTUP_DEADTIME;
    return c.withTiming(new Timing(t.keepalive(), t.warnTime(), STARTUP_DEADTIME, initDead));
  }

  /** Heartbeat paths: one per address for unicast, one per interface for broadcast/multicast. */
  public static int paths(ClusterModel model, String node) {
    if (model.timing().transport() == Transport.Unicast) {
      return model.node(node).orElseThrow().addresses().size();
    }
    return model.timing().interfaces().size();
  }

  /**
   * Two keepalives (the bound), but never below 100 ms: the old owner keeps the VIP while
   * it waits, so a longer bound costs no safety, and at a 5 ms keepalive two intervals are shorter
   * than one scheduling hiccup on a loaded router.
   */
  static Duration handoffBound(Timing timing) {
    Duration twoKeepalives = ProtocolConfig.defaultHandoffBound(timing);
    Duration floor = Duration.ofMillis(100);
    return twoKeepalives.compareTo(floor) >= 0 ? twoKeepalives : floor;
  }

  /** spec.failback.damping, whose window the model already derived from deadTime if unset. */
  static FlapDamping damping(ClusterModel m) {
    var d = m.failback().damping();
    return new FlapDamping(d.enabled(), d.moves(), d.window());
  }

  public static ProtocolConfig of(AgentConfigs.Loaded loaded, String self) {
    ClusterModel m = loaded.model();
    var nodes =
        m.nodes().stream()
            .map(n -> new NodeSpec(n.name(), n.priority(), paths(m, n.name())))
            .toList();
    var groups =
        m.vipGroups().stream().map(g -> new GroupSpec(g.name(), g.preferredNode())).toList();
    Timing timing =
        new Timing(
            m.timing().keepalive(),
            m.timing().warnTime(),
            m.timing().deadTime(),
            m.timing().initDead());
    FailbackPolicy failback =
        switch (m.failback().policy()) {
          case Auto -> new FailbackPolicy.Auto();
          case Never -> new FailbackPolicy.Never();
          case Delayed -> new FailbackPolicy.Delayed(m.failback().delay());
        };
    Map<String, String> requested = new LinkedHashMap<>();
    for (VipGroup g : m.vipGroups()) g.requestedNode().ifPresent(n -> requested.put(g.name(), n));
    Map<Integer, byte[]> keys = new HashMap<>();
    loaded.keys().forEach((id, key) -> keys.put(Integer.parseInt(id), key));
    return new ProtocolConfig(
        m.clusterId(),
        self,
        nodes,
        groups,
        timing,
        failback,
        m.standby(),
        requested,
        damping(m),
        handoffBound(timing),
        m.generation(),
        new Keyring(keys, Integer.parseInt(loaded.activeKeyId())));
  }
}
