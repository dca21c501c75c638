package dev.relais.operator.reconciler;

import java.time.Clock;
import java.util.Set;

/**
 * What the reconciler needs to know about its deployment: the release namespace (rendered configs
 * and node states live there) and the namespaces whose RouterClusters it watches (empty: all).
 */
public record OperatorSettings(
    String releaseNamespace, Set<String> watchedNamespaces, Clock clock) {
  public OperatorSettings {
    watchedNamespaces = Set.copyOf(watchedNamespaces);
  }
}
