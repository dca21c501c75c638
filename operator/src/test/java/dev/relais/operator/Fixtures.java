package dev.relais.operator;

import dev.relais.api.v1alpha1.AuthSecretRef;
import dev.relais.api.v1alpha1.FailoverRecord;
import dev.relais.api.v1alpha1.GroupRoleStatus;
import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.NodeState;
import dev.relais.api.v1alpha1.PeerStatus;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.RouterNodeState;
import dev.relais.api.v1alpha1.RouterNodeStateSpec;
import dev.relais.api.v1alpha1.RouterNodeStateStatus;
import dev.relais.api.v1alpha1.VipGroupSpec;
import dev.relais.api.v1alpha1.VipSpec;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The tutorial's cluster, its Secret, and node states as agents would write them. */
public final class Fixtures {
  public static final String KEY_1 = "a8f5f167f44f4964e6c998dee827110c";
  public static final String KEY_2 = "0123456789abcdef0123456789abcdef";

  private Fixtures() {}

  public static RouterCluster tutorial(String namespace, String name) {
    RouterCluster rc = new RouterCluster();
    rc.setMetadata(
        new ObjectMetaBuilder().withNamespace(namespace).withName(name).withGeneration(1L).build());
    RouterClusterSpec spec = new RouterClusterSpec();
    spec.nodes =
        new ArrayList<>(
            List.of(
                new NodeSpec("maitre", 200, List.of("192.168.200.11")),
                new NodeSpec("esclave", 100, List.of("192.168.200.12"))));
    VipSpec vip = new VipSpec();
    vip.address = "192.168.200.10/24";
    vip.iface = "enp0s3";
    vip.label = "enp0s3:0";
    spec.vipGroups =
        new ArrayList<>(
            List.of(new VipGroupSpec("gateway", "maitre", new ArrayList<>(List.of(vip)))));
    spec.authSecretRef = new AuthSecretRef(name + "-auth", "1");
    rc.setSpec(spec);
    return rc;
  }

  public static Secret authSecret(String namespace, String name, Map<String, String> keys) {
    Map<String, String> data = new java.util.TreeMap<>();
    keys.forEach(
        (id, k) ->
            data.put(id, Base64.getEncoder().encodeToString(k.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withLabels(Map.of(ConfigObjects.AUTH_LABEL, "true"))
        .endMetadata()
        .withData(data)
        .build();
  }

  /** A node state builder: what one agent reports. */
  public static final class Report {
    private final RouterNodeState state = new RouterNodeState();

    public Report(String releaseNamespace, String clusterNamespace, String cluster, String node) {
      state.setMetadata(
          new ObjectMetaBuilder()
              .withNamespace(releaseNamespace)
              .withName(ConfigObjects.nodeStateName(clusterNamespace, cluster, node))
              .build());
      state.setSpec(new RouterNodeStateSpec(clusterNamespace + "/" + cluster, node));
      RouterNodeStateStatus s = new RouterNodeStateStatus();
      s.state = NodeState.Backup;
      s.reason = "Backup";
      s.agentVersion = "test";
      s.acceptedConfigVersions = List.of(ConfigObjects.DOCUMENT_VERSION);
      state.setStatus(s);
    }

    public Report at(Instant time) {
      state.getStatus().reportTime = time.toString();
      return this;
    }

    public Report configError(String error) {
      state.getStatus().configError = error;
      return this;
    }

    public Report revision(String revision) {
      state.getStatus().configRevision = revision;
      return this;
    }

    public Report master(String group, long epoch) {
      state.getStatus().state = NodeState.Master;
      state.getStatus().reason = "Master";
      state.getStatus().vipGroups.add(new GroupRoleStatus(group, NodeState.Master, epoch));
      return this;
    }

    public Report backup(String group, long epoch) {
      state.getStatus().vipGroups.add(new GroupRoleStatus(group, NodeState.Backup, epoch));
      return this;
    }

    public Report state(NodeState s, String reason) {
      state.getStatus().state = s;
      state.getStatus().reason = reason;
      return this;
    }

    public Report peer(String name, boolean reachable, Instant since) {
      state.getStatus().peers.add(new PeerStatus(name, reachable, since.toString()));
      return this;
    }

    public Report tookOver(String group, String from, String reason, long ms, Instant at) {
      FailoverRecord f = new FailoverRecord();
      f.vipGroup = group;
      f.from = from;
      f.to = state.getSpec().node;
      f.reason = reason;
      f.durationMs = ms;
      f.time = at.toString();
      state.getStatus().lastTakeover = f;
      return this;
    }

    public RouterNodeState build() {
      return state;
    }
  }
}
