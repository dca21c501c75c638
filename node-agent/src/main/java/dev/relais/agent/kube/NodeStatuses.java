package dev.relais.agent.kube;

import dev.relais.agent.protocol.GroupRole;
import dev.relais.agent.protocol.NodeStatus;
import dev.relais.agent.protocol.StateSnapshot;
import dev.relais.agent.runtime.ClusterReport;
import dev.relais.api.v1alpha1.DampingStatus;
import dev.relais.api.v1alpha1.DuplicateOwnerStatus;
import dev.relais.api.v1alpha1.FailoverRecord;
import dev.relais.api.v1alpha1.GroupRoleStatus;
import dev.relais.api.v1alpha1.NodeState;
import dev.relais.api.v1alpha1.PeerStatus;
import dev.relais.api.v1alpha1.RouterNodeStateStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A cluster's report (and its config's revision and error) as the RouterNodeState status the
 * operator aggregates. Pure; {@code reportTime} is left to the writer, which sets it only when
 * something else changed, so an idle router writes nothing.
 */
final class NodeStatuses {
  private NodeStatuses() {}

  /** What the agent says of itself in every report. */
  record Identity(String agentVersion, List<String> acceptedConfigVersions) {}

  static RouterNodeStateStatus of(
      Optional<ClusterReport> report, ServedClusters.ConfigStatus config, Identity identity) {
    RouterNodeStateStatus s = new RouterNodeStateStatus();
    s.agentVersion = identity.agentVersion();
    s.acceptedConfigVersions = identity.acceptedConfigVersions();
    s.configRevision = config.revision().isEmpty() ? null : config.revision();
    s.configError = config.error().orElse(null);
    if (report.isEmpty()) {
      // Refused before it ever ran here: the node state exists to carry the reason.
      s.state = NodeState.Unknown;
      s.reason = config.error().isPresent() ? "ConfigRefused" : "Starting";
      return s;
    }
    ClusterReport r = report.get();
    StateSnapshot snap = r.state();
    boolean holds = snap.groups().stream().anyMatch(g -> g.role() == GroupRole.MASTER);
    s.state = holds ? NodeState.Master : state(snap.status());
    s.reason = holds ? "Master" : reason(snap.status());
    for (StateSnapshot.GroupView g : snap.groups()) {
      s.vipGroups.add(new GroupRoleStatus(g.group(), role(g.role()), g.epoch()));
    }
    for (StateSnapshot.PeerView p : snap.peers()) {
      Instant since = r.peerSince().get(p.name());
      s.peers.add(new PeerStatus(p.name(), p.alive(), since == null ? null : since.toString()));
    }
    r.lastTakeover().ifPresent(t -> s.lastTakeover = takeover(t, snap.node()));
    r.duplicateOwner().ifPresent(d -> s.duplicateOwner = duplicate(d));
    r.damping().ifPresent(d -> s.damping = damping(d));
    return s;
  }

  private static NodeState state(NodeStatus status) {
    return switch (status) {
      case ACTIVE, LEAVING -> NodeState.Backup;
      case STANDBY -> NodeState.Standby;
      case FAULT -> NodeState.Fault;
      case INIT -> NodeState.Unknown;
    };
  }

  private static String reason(NodeStatus status) {
    return switch (status) {
      case ACTIVE -> "Backup";
      case LEAVING -> "ShuttingDown";
      case STANDBY -> "Standby";
      case FAULT -> "Fault";
      case INIT -> "Starting";
    };
  }

  private static NodeState role(GroupRole role) {
    return switch (role) {
      case MASTER -> NodeState.Master;
      case BACKUP, STOPPED -> NodeState.Backup;
      case FAULT -> NodeState.Fault;
      case STANDBY -> NodeState.Standby;
      case INIT -> NodeState.Unknown;
    };
  }

  private static FailoverRecord takeover(ClusterReport.Takeover t, String node) {
    FailoverRecord f = new FailoverRecord();
    f.time = t.time().toString();
    f.vipGroup = t.group();
    f.from = t.from();
    f.to = node;
    f.reason = t.reason();
    f.durationMs = t.duration().map(java.time.Duration::toMillis).orElse(null);
    return f;
  }

  private static DuplicateOwnerStatus duplicate(ClusterReport.DuplicateOwner d) {
    DuplicateOwnerStatus s = new DuplicateOwnerStatus();
    s.vipGroup = d.group();
    s.address = d.address();
    s.macs = d.macs();
    s.since = d.since().toString();
    return s;
  }

  private static DampingStatus damping(ClusterReport.Damping d) {
    DampingStatus s = new DampingStatus();
    s.until = d.until().toString();
    s.ownerChanges = d.ownerChanges();
    s.reason = d.reason();
    return s;
  }
}
