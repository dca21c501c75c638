package dev.relais.operator.config;

import static dev.relais.operator.status.ConditionTypes.CONFIG_INVALID;
import static dev.relais.operator.status.ConditionTypes.CONFLICT;

import dev.relais.api.v1alpha1.NodeSpec;
import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.model.RouterClusterValidator;
import dev.relais.model.SpecDefaults;
import dev.relais.model.Violation;
import dev.relais.operator.status.ClusterEvent;
import dev.relais.operator.status.ConfigHealth;
import dev.relais.render.AgentConfig;
import dev.relais.render.AgentConfigRenderer;
import dev.relais.render.AgentConfigs;
import dev.relais.render.ConfigObjects;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides what agents should run for one RouterCluster: validate, resolve the auth Secret, apply
 * standby labels of Kubernetes Nodes, render, and stage key rotations. Pure: the reconciler hands
 * in what it read and writes what this returns. A problem never replaces what agents run.
 */
public final class ConfigPlanner {
  private ConfigPlanner() {}

  /** The auth Secret as the reconciler found it. */
  public sealed interface AuthLookup {
    record Found(Secret secret) implements AuthLookup {}

    /** It exists but lacks {@link ConfigObjects#AUTH_LABEL}, so its changes would go unseen. */
    record Unlabelled() implements AuthLookup {}

    record Missing() implements AuthLookup {}
  }

  /** What is published now: the document and its revision and salt. */
  public record Published(String document, String revision, byte[] salt) {}

  /** A document to publish (possibly the one already published). */
  public record Publish(String document, String revision, byte[] salt, Set<String> nodes) {}

  public record Plan(Optional<Publish> publish, ConfigHealth health, List<ClusterEvent> events) {}

  /**
   * @param reportedRevisions the revision each reachable node reports (nodes without an agent or
   *     reported unreachable are left out: they get the final config when they come back)
   * @param freshSalt used only when nothing was published before
   */
  public static Plan plan(
      RouterCluster cluster,
      AuthLookup auth,
      Set<String> standbyByLabel,
      Optional<Published> current,
      Map<String, String> reportedRevisions,
      List<ClusterConflicts.Conflict> conflicts,
      byte[] freshSalt) {
    String currentRevision = current.map(Published::revision).orElse(null);
    List<ConfigHealth.Problem> problems = new ArrayList<>();
    List<ClusterEvent> events = new ArrayList<>();
    conflicts.stream()
        .findFirst()
        .ifPresent(
            first ->
                problems.add(
                    new ConfigHealth.Problem(
                        CONFLICT,
                        conflicts.stream().anyMatch(ClusterConflicts.Conflict::held)
                            ? "ConflictHeld"
                            : "ConflictWithYounger",
                        String.join(
                            "; ",
                            conflicts.stream()
                                .map(
                                    c ->
                                        c.other()
                                            + " uses the same "
                                            + c.detail()
                                            + (c.held()
                                                ? " (it is older: this cluster is not rendered until the conflict is gone)"
                                                : " (it is younger and held; this cluster keeps running)"))
                                .toList()))));
    RouterClusterSpec spec = cluster.getSpec();
    List<Violation> violations = RouterClusterValidator.validate(spec);
    if (!violations.isEmpty()) {
      problems.add(new ConfigHealth.Problem(CONFIG_INVALID, "SpecInvalid", summary(violations)));
      return keep(currentRevision, problems, events);
    }
    String ref = spec.authSecretRef.name;
    Secret secret;
    switch (auth) {
      case AuthLookup.Missing() -> {
        problems.add(
            new ConfigHealth.Problem(
                CONFIG_INVALID,
                "AuthSecretNotFound",
                "Secret "
                    + ref
                    + " (spec.authSecretRef.name) does not exist in namespace "
                    + cluster.getMetadata().getNamespace()));
        return keep(currentRevision, problems, events);
      }
      case AuthLookup.Unlabelled() -> {
        problems.add(
            new ConfigHealth.Problem(
                CONFIG_INVALID,
                "AuthSecretNotLabelled",
                "Secret "
                    + ref
                    + " lacks the label "
                    + ConfigObjects.AUTH_LABEL
                    + "=true, so the operator cannot see its changes: kubectl label secret "
                    + ref
                    + " "
                    + ConfigObjects.AUTH_LABEL
                    + "=true"));
        return keep(currentRevision, problems, events);
      }
      case AuthLookup.Found(Secret found) -> secret = found;
    }
    if (conflicts.stream().anyMatch(ClusterConflicts.Conflict::held)) {
      return keep(currentRevision, problems, events);
    }
    RouterCluster withStandby = withStandby(cluster, standbyByLabel);
    AgentConfig desired;
    switch (AgentConfigRenderer.render(withStandby, secret)) {
      case AgentConfigRenderer.Rendered.Invalid invalid -> {
        problems.add(new ConfigHealth.Problem(CONFIG_INVALID, "AuthKeyInvalid", invalid.summary()));
        return keep(currentRevision, problems, events);
      }
      case AgentConfigRenderer.Rendered.Ok(AgentConfig config) -> desired = config;
    }
    byte[] salt = current.map(Published::salt).orElse(freshSalt);
    Set<String> nodes = new TreeSet<>();
    spec.nodes.forEach(n -> nodes.add(n.name));
    String waitingFor = null;
    AgentConfig toPublish = desired;
    Optional<AgentConfigs.Loaded> running = current.flatMap(p -> loaded(p.document(), cluster));
    if (running.isPresent()) {
      AgentConfigs.Loaded was = running.get();
      String oldActive = was.activeKeyId();
      String newActive = desired.keys().activeKeyId();
      byte[] oldKey = was.keys().get(oldActive);
      byte[] sameIdNow = decoded(desired.keys().keys().get(oldActive));
      if (oldActive.equals(newActive)) {
        if (!Arrays.equals(oldKey, sameIdNow)) {
          events.add(
              ClusterEvent.warning(
                  "KeyChangedInPlace",
                  "key "
                      + oldActive
                      + " changed without a new key id: nodes sign with different keys until each has the"
                      + " new config; add a new key id and move activeKeyId to it instead"));
        }
      } else if (Arrays.equals(oldKey, sameIdNow)) {
        AgentConfig staged =
            new AgentConfig(
                desired.apiVersion(),
                desired.kind(),
                desired.cluster(),
                desired.spec(),
                new AgentConfig.Keys(oldActive, desired.keys().keys()));
        String stagedRevision = ConfigObjects.revision(AgentConfigs.toYaml(staged), salt);
        List<String> behind =
            reportedRevisions.entrySet().stream()
                .filter(e -> !stagedRevision.equals(e.getValue()))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        if (!stagedRevision.equals(currentRevision) || !behind.isEmpty()) {
          toPublish = staged;
          waitingFor =
              behind.isEmpty() ? "the new keys to be published" : String.join(", ", behind);
        }
      } else {
        events.add(
            ClusterEvent.warning(
                "KeyRotationUnstaged",
                "the signing key "
                    + oldActive
                    + " is gone from Secret "
                    + ref
                    + ": until every node has the new config, nodes may"
                    + " reject each other; keep the old key until the new one signs"));
      }
    }
    String document = AgentConfigs.toYaml(toPublish);
    String revision = ConfigObjects.revision(document, salt);
    if (!revision.equals(currentRevision)) {
      events.add(
          ClusterEvent.normal(
              "ConfigRendered",
              "revision "
                  + revision
                  + (waitingFor != null
                      ? " (new keys, old signing key " + toPublish.keys().activeKeyId() + ")"
                      : "")));
    }
    return new Plan(
        Optional.of(new Publish(document, revision, salt, nodes)),
        new ConfigHealth(revision, problems, waitingFor),
        List.copyOf(events));
  }

  private static Plan keep(
      String currentRevision, List<ConfigHealth.Problem> problems, List<ClusterEvent> events) {
    return new Plan(
        Optional.empty(), new ConfigHealth(currentRevision, problems, null), List.copyOf(events));
  }

  /** Nodes whose Kubernetes Node carries the standby label join spec.standby (a copy). */
  private static RouterCluster withStandby(RouterCluster cluster, Set<String> standbyByLabel) {
    RouterClusterSpec spec = SpecDefaults.applied(cluster.getSpec());
    Set<String> standby = new TreeSet<>(Objects.requireNonNullElse(spec.standby, List.of()));
    for (NodeSpec n : spec.nodes) {
      if (standbyByLabel.contains(n.name)) standby.add(n.name);
    }
    spec.standby = standby.isEmpty() ? null : List.copyOf(standby);
    RouterCluster copy = new RouterCluster();
    copy.setMetadata(cluster.getMetadata());
    copy.setSpec(spec);
    return copy;
  }

  private static Optional<AgentConfigs.Loaded> loaded(String document, RouterCluster cluster) {
    return switch (AgentConfigs.read(document, cluster.getMetadata().getNamespace())) {
      case AgentConfigs.Result.Ok(List<AgentConfigs.Loaded> clusters) when clusters.size() == 1 ->
          Optional.of(clusters.getFirst());
      default -> Optional.empty();
    };
  }

  private static byte[] decoded(String base64) {
    return base64 == null ? null : java.util.Base64.getDecoder().decode(base64);
  }

  private static String summary(List<Violation> violations) {
    return String.join("; ", violations.stream().map(Violation::toString).toList());
  }
}
