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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The agent-side boundary: a loaded config → the protocol's own records (java.* only there). */
public final class ProtocolConfigs {
  private ProtocolConfigs() {}

  /** Heartbeat paths: one per address for unicast, one per interface for broadcast/multicast. */
  public static int paths(ClusterModel model, String node) {
    if (model.timing().transport() == Transport.Unicast) {
      return model.node(node).orElseThrow().addresses().size();
    }
    return model.timing().interfaces().size();
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
        FlapDamping.standard(),
        ProtocolConfig.defaultHandoffBound(timing),
        m.generation(),
        new Keyring(keys, Integer.parseInt(loaded.activeKeyId())));
  }
}
