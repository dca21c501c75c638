package dev.relais.operator.status;

import static dev.relais.operator.status.ConditionTypes.CONFIG_INVALID;
import static dev.relais.operator.status.ConditionTypes.CONFLICT;
import static dev.relais.operator.status.ConditionTypes.DEGRADED;
import static dev.relais.operator.status.ConditionTypes.READY;
import static dev.relais.operator.status.ConditionTypes.RECONCILING;
import static dev.relais.operator.status.ConditionTypes.SPLIT_BRAIN;
import static dev.relais.operator.status.ConditionTypes.STALLED;

import dev.relais.api.v1alpha1.FailoverRecord;
import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.NodeState;
import dev.relais.api.v1alpha1.NodeStatus;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterClusterStatus;
import dev.relais.api.v1alpha1.RouterNodeState;
import dev.relais.api.v1alpha1.VipGroupSpec;
import dev.relais.api.v1alpha1.VipGroupStatus;
import dev.relais.api.v1alpha1.VipSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * RouterCluster + its node states + what the config side found + a clock → the whole status, and
 * the events its changes deserve. Pure: the reconciler compares the result with the stored status
 * and writes only a difference.
 */
public final class StatusAggregator {
  private StatusAggregator() {}

  /**
   * How long after a cluster is created its agents may take to report before a listed node counts
   * as having none (it is {@code AwaitingAgent} until then, not Degraded, and no event is sent).
   */
  public static final Duration AGENT_GRACE = Duration.ofSeconds(60);

  /**
   * The computed status, the events for what changed since {@code previous}, and when to look again
   * although nothing changes (a node awaiting its agent), if ever.
   */
  public record Aggregate(
      RouterClusterStatus status,
      List<ClusterEvent> events,
      List<FailoverRecord> failovers,
      Optional<Duration> recheckAfter) {}

  public static Aggregate aggregate(
      RouterCluster cluster, List<RouterNodeState> states, ConfigHealth config, Clock clock) {
    RouterClusterStatus previous =
        Objects.requireNonNullElseGet(cluster.getStatus(), RouterClusterStatus::new);
    long generation = Objects.requireNonNullElse(cluster.getMetadata().getGeneration(), 1L);
    List<NodeSpec> nodes = Objects.requireNonNullElse(cluster.getSpec().nodes, List.of());
    List<VipGroupSpec> groups = Objects.requireNonNullElse(cluster.getSpec().vipGroups, List.of());
    Map<String, NodeReport> reports = reports(nodes, states);
    List<NodeReport> all = List.copyOf(reports.values());
    Instant now = clock.instant();
    Instant graceEnds =
        NodeReport.time(cluster.getMetadata().getCreationTimestamp())
            .orElse(Instant.EPOCH)
            .plus(AGENT_GRACE);
    boolean awaiting = now.isBefore(graceEnds);
    List<ClusterEvent> events = new ArrayList<>();
    List<FailoverRecord> failovers = new ArrayList<>();

    RouterClusterStatus status = new RouterClusterStatus();
    status.observedGeneration = generation;
    status.configRevision = config.targetRevision();

    List<String> split = new ArrayList<>();
    List<String> ownerless = new ArrayList<>();
    List<String> contested = new ArrayList<>();
    for (VipGroupSpec group : groups) {
      GroupOwnership own = GroupOwnership.of(group.name, all);
      VipGroupStatus g = new VipGroupStatus();
      g.name = group.name;
      g.activeNode = own.owner().map(NodeReport::node).orElse(null);
      g.epoch = own.owner().map(r -> r.epoch(group.name)).orElse(null);
      status.vipGroups.add(g);
      if (own.splitBrain()) split.add(group.name);
      else if (own.owner().isEmpty()) ownerless.add(group.name);
      else if (own.contested()) contested.add(group.name);
      // Two owners that cannot hear each other are not a failover, whichever epoch is higher.
      failover(previous, group, g, reports, now)
          .filter(f -> !own.splitBrain())
          .ifPresent(
              f -> {
                failovers.add(f);
                status.lastFailover = f;
                boolean back = f.to.equals(group.preferredNode);
                events.add(
                    ClusterEvent.normal(
                        back ? "Failback" : "Failover",
                        group.name
                            + ": "
                            + f.from
                            + " → "
                            + f.to
                            + " ("
                            + f.reason
                            + (f.durationMs == null ? "" : ", " + f.durationMs + " ms")
                            + ")"));
              });
    }
    if (status.lastFailover == null) status.lastFailover = previous.lastFailover;
    for (NodeReport r : all) {
      if (r.status().duplicateOwner != null) {
        split.add(r.node() + " sees " + r.status().duplicateOwner.address + " answered twice");
      }
    }
    if (!groups.isEmpty()) {
      status.activeNode = status.vipGroups.getFirst().activeNode;
      status.vip =
          Objects.requireNonNullElse(groups.getFirst().addresses, List.<VipSpec>of()).stream()
              .map(v -> v.address)
              .collect(Collectors.joining(","));
    }

    List<String> degraded = new ArrayList<>();
    List<String> oldRevision = new ArrayList<>();
    for (NodeSpec spec : nodes) {
      NodeStatus n =
          nodeStatus(spec.name, reports.get(spec.name), all, config.targetRevision(), awaiting);
      status.nodes.add(n);
      switch (n.reason) {
        case "NoAgent" -> degraded.add(spec.name + ": no agent ever reported for this cluster");
        case "Unreachable" -> degraded.add(spec.name + ": reported unreachable by its peers");
        case "ConfigRefused" ->
            degraded.add(
                spec.name
                    + ": its agent refuses the rendered config ("
                    + reports.get(spec.name).status().configError
                    + ") and runs its last good one");
        case "OldRevision" -> {
          oldRevision.add(spec.name);
          degraded.add(
              spec.name
                  + ": runs revision "
                  + n.configRevision
                  + ", not "
                  + config.targetRevision());
        }
        default -> {
          if (n.state == NodeState.Fault) degraded.add(spec.name + ": Fault (" + n.reason + ")");
        }
      }
      NodeStatus before = find(previous.nodes, spec.name);
      if ("ConfigRefused".equals(n.reason)
          && (before == null || !"ConfigRefused".equals(before.reason))) {
        events.add(
            ClusterEvent.warning(
                "ConfigRefused",
                spec.name
                    + "'s agent refuses the rendered config: "
                    + reports.get(spec.name).status().configError));
      }
      if ("NoAgent".equals(n.reason) && (before == null || !"NoAgent".equals(before.reason))) {
        events.add(
            ClusterEvent.warning(
                "NodeWithoutAgent", spec.name + " is listed but no agent has reported for it"));
      }
    }

    Conditions c = new Conditions(previous.conditions, generation, now);
    Optional<ConfigHealth.Problem> invalid = problem(config, CONFIG_INVALID);
    Optional<ConfigHealth.Problem> conflict = problem(config, CONFLICT);
    c.set(
        CONFIG_INVALID,
        invalid.isPresent(),
        invalid.map(ConfigHealth.Problem::reason).orElse("Valid"),
        invalid.map(ConfigHealth.Problem::message).orElse("the spec renders into agent config"));
    c.set(
        CONFLICT,
        conflict.isPresent(),
        conflict.map(ConfigHealth.Problem::reason).orElse("NoConflict"),
        conflict
            .map(ConfigHealth.Problem::message)
            .orElse("no other RouterCluster claims these VIPs or heartbeat sockets"));
    c.set(
        SPLIT_BRAIN,
        !split.isEmpty(),
        split.isEmpty() ? "SingleOwner" : "SplitBrain",
        split.isEmpty()
            ? "no VIP group has two owners"
            : "two owners that cannot hear each other: " + String.join("; ", split));
    c.set(
        DEGRADED,
        !degraded.isEmpty(),
        degraded.isEmpty() ? "AllNodesHealthy" : degradedReason(status.nodes),
        degraded.isEmpty()
            ? "every node reports on the current revision"
            : String.join("; ", degraded));
    boolean rolling = !oldRevision.isEmpty() || config.rotationWaitingFor() != null;
    c.set(
        RECONCILING,
        rolling,
        config.rotationWaitingFor() != null
            ? "KeyRotationStaged"
            : rolling ? "RevisionRollout" : "UpToDate",
        config.rotationWaitingFor() != null
            ? "new keys reach every node before the new key signs; waiting for "
                + config.rotationWaitingFor()
            : rolling
                ? "waiting for "
                    + String.join(", ", oldRevision)
                    + " to run revision "
                    + config.targetRevision()
                : "every reachable node runs revision " + config.targetRevision());
    Optional<ConfigHealth.Problem> stall =
        invalid.or(() -> conflict.filter(p -> p.reason().endsWith("Held")));
    c.set(
        STALLED,
        stall.isPresent(),
        stall.map(ConfigHealth.Problem::reason).orElse("Progressing"),
        stall
            .map(p -> "cannot render until the spec changes: " + p.message())
            .orElse("nothing blocks reconciliation"));
    String notReady =
        invalid.isPresent()
            ? "ConfigInvalid"
            : !split.isEmpty()
                ? "SplitBrain"
                : config.targetRevision() == null
                    ? "NotRendered"
                    : !ownerless.isEmpty()
                        ? "NoOwner"
                        : !contested.isEmpty()
                            ? "OwnerContested"
                            : !oldRevision.isEmpty() ? "RevisionRollout" : null;
    c.set(
        READY,
        notReady == null,
        notReady == null ? "OwnersElected" : notReady,
        notReady == null
            ? "every VIP group has one owner and every reachable node runs revision "
                + config.targetRevision()
            : switch (notReady) {
              case "NoOwner" -> "no node holds " + String.join(", ", ownerless);
              case "OwnerContested" -> "more than one node claims " + String.join(", ", contested);
              case "RevisionRollout" ->
                  String.join(", ", oldRevision)
                      + " not yet on revision "
                      + config.targetRevision();
              case "NotRendered" -> "no agent config has been rendered yet";
              default -> c.message(notReady.equals("SplitBrain") ? SPLIT_BRAIN : CONFIG_INVALID);
            });
    status.conditions = c.list();
    events.addAll(c.transitionEvents());
    boolean recheck = status.nodes.stream().anyMatch(n -> "AwaitingAgent".equals(n.reason));
    return new Aggregate(
        status,
        List.copyOf(events),
        List.copyOf(failovers),
        recheck ? Optional.of(Duration.between(now, graceEnds)) : Optional.empty());
  }

  private static Optional<FailoverRecord> failover(
      RouterClusterStatus previous,
      VipGroupSpec group,
      VipGroupStatus now,
      Map<String, NodeReport> reports,
      Instant at) {
    VipGroupStatus before =
        previous.vipGroups == null
            ? null
            : previous.vipGroups.stream()
                .filter(g -> group.name.equals(g.name))
                .findFirst()
                .orElse(null);
    if (before == null
        || before.activeNode == null
        || now.activeNode == null
        || before.activeNode.equals(now.activeNode)) {
      return Optional.empty();
    }
    FailoverRecord f = new FailoverRecord();
    f.vipGroup = group.name;
    f.from = before.activeNode;
    f.to = now.activeNode;
    FailoverRecord measured = reports.get(now.activeNode).status().lastTakeover;
    if (measured != null && group.name.equals(measured.vipGroup)) {
      f.reason = measured.reason;
      f.durationMs = measured.durationMs;
      f.time = measured.time;
    }
    if (f.reason == null) f.reason = "Unknown";
    if (f.time == null) f.time = at.toString();
    return Optional.of(f);
  }

  /**
   * The revision each reachable node reports, by the same rule as {@code status.nodes[].reachable}
   * (for staging key rotations, which wait only for nodes that can hear the new keys).
   */
  public static Map<String, String> reachableRevisions(
      RouterCluster cluster, List<RouterNodeState> states) {
    Map<String, NodeReport> reports =
        reports(Objects.requireNonNullElse(cluster.getSpec().nodes, List.of()), states);
    List<NodeReport> all = List.copyOf(reports.values());
    Map<String, String> out = new java.util.TreeMap<>();
    for (NodeReport r : all) {
      if (reachable(r, all) && r.status().configRevision != null) {
        out.put(r.node(), r.status().configRevision);
      }
    }
    return out;
  }

  private static Map<String, NodeReport> reports(
      List<NodeSpec> nodes, List<RouterNodeState> states) {
    Map<String, NodeReport> reports = new LinkedHashMap<>();
    for (RouterNodeState s : states) {
      if (s.getSpec() != null && nodes.stream().anyMatch(n -> n.name.equals(s.getSpec().node))) {
        reports.put(s.getSpec().node, NodeReport.of(s));
      }
    }
    return reports;
  }

  /** Unreachable: a peer reports it unheard since T and it has not reported since T. */
  private static boolean reachable(NodeReport report, List<NodeReport> all) {
    return all.stream()
        .noneMatch(
            o ->
                o != report
                    && o.unreachableSince(report.node())
                        .filter(since -> report.reportTime().isBefore(since))
                        .isPresent());
  }

  private static NodeStatus nodeStatus(
      String name, NodeReport report, List<NodeReport> all, String target, boolean awaiting) {
    NodeStatus n = new NodeStatus();
    n.name = name;
    if (report == null) {
      n.state = NodeState.Unknown;
      n.reason = awaiting ? "AwaitingAgent" : "NoAgent";
      return n;
    }
    n.state = Objects.requireNonNullElse(report.status().state, NodeState.Unknown);
    n.configRevision = report.status().configRevision;
    n.agentVersion = report.status().agentVersion;
    n.lastReportTime = report.status().reportTime;
    boolean unreachable = !reachable(report, all);
    n.reachable = !unreachable;
    if (unreachable) n.reason = "Unreachable";
    else if (report.status().configError != null) n.reason = "ConfigRefused";
    else if (target != null && !target.equals(n.configRevision)) n.reason = "OldRevision";
    else n.reason = Objects.requireNonNullElse(report.status().reason, n.state.name());
    return n;
  }

  private static String degradedReason(List<NodeStatus> nodes) {
    return nodes.stream()
        .map(n -> n.reason)
        .filter(r -> List.of("NoAgent", "Unreachable", "ConfigRefused", "OldRevision").contains(r))
        .findFirst()
        .orElse("NodeFault");
  }

  private static Optional<ConfigHealth.Problem> problem(ConfigHealth config, String type) {
    return config.problems().stream().filter(p -> p.conditionType().equals(type)).findFirst();
  }

  private static NodeStatus find(List<NodeStatus> nodes, String name) {
    return nodes == null
        ? null
        : nodes.stream().filter(n -> name.equals(n.name)).findFirst().orElse(null);
  }
}
