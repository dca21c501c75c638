package dev.relais.operator.reconciler;

import dev.relais.api.v1alpha1.RouterCluster;
import dev.relais.operator.config.ClusterConflicts;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Conflicts of one cluster with all others, and the pokes that keep both sides' conditions true: a
 * cluster whose conflict set changed triggers the clusters that entered or left it. The poke comes
 * from a reconcile of the changed cluster, which is then in the primary cache the other cluster's
 * reconcile reads, so no second RouterCluster watch is needed.
 */
final class ConflictTracker {
  private record ClaimsAt(String version, ClusterConflicts.Claims claims) {}

  private final SimpleInboundEventSource<RouterCluster> pokes =
      new SimpleInboundEventSource<>("conflicting-clusters");
  private final Map<String, ClaimsAt> claims = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> conflictsOf = new ConcurrentHashMap<>();
  private final Predicate<String> published;
  private IndexerResourceCache<RouterCluster> primaries;

  /**
   * @param published whether agents already run a config of the cluster with this id
   */
  ConflictTracker(Predicate<String> published) {
    this.published = published;
  }

  SimpleInboundEventSource<RouterCluster> eventSource(IndexerResourceCache<RouterCluster> cache) {
    primaries = cache;
    return pokes;
  }

  List<ClusterConflicts.Conflict> conflicts(String id, RouterCluster cluster) {
    List<ClusterConflicts.Conflict> found =
        ClusterConflicts.find(claimsOf(cluster), allClaims(), published);
    Set<String> now =
        found.stream().map(ClusterConflicts.Conflict::other).collect(Collectors.toSet());
    Set<String> before = Objects.requireNonNullElse(conflictsOf.put(id, now), Set.of());
    Set<String> changed = new HashSet<>(now);
    changed.addAll(before);
    changed.removeIf(other -> now.contains(other) && before.contains(other));
    poke(changed);
    return found;
  }

  void deleted(String id) {
    claims.remove(id);
    poke(Objects.requireNonNullElse(conflictsOf.remove(id), Set.of()));
  }

  private void poke(Set<String> clusters) {
    for (String other : clusters) {
      int slash = other.indexOf('/');
      pokes.propagateEvent(new ResourceID(other.substring(slash + 1), other.substring(0, slash)));
    }
  }

  /** Claims are computed once per generation (a spec copy with defaults applied). */
  private ClusterConflicts.Claims claimsOf(RouterCluster cluster) {
    String id = cluster.getMetadata().getNamespace() + "/" + cluster.getMetadata().getName();
    String version = cluster.getMetadata().getGeneration() + "/" + cluster.getMetadata().getUid();
    ClaimsAt at = claims.get(id);
    if (at == null || !at.version().equals(version)) {
      at = new ClaimsAt(version, ClusterConflicts.Claims.of(cluster));
      claims.put(id, at);
    }
    return at.claims();
  }

  private List<ClusterConflicts.Claims> allClaims() {
    return primaries
        .list()
        .filter(rc -> rc.getMetadata().getDeletionTimestamp() == null)
        .map(this::claimsOf)
        .toList();
  }
}
