package dev.relais.operator.status;

import java.util.List;

/**
 * What the config side of a reconcile found, for the aggregator: the revision agents should run
 * (null when nothing was ever rendered), and the problems that keep a newer one from being
 * rendered. Problems name a condition type; their messages never hold key material.
 */
public record ConfigHealth(
    String targetRevision, List<Problem> problems, String rotationWaitingFor) {
  public ConfigHealth {
    problems = List.copyOf(problems);
  }

  /** One reason the spec is not (or not fully) what agents run. */
  public record Problem(String conditionType, String reason, String message) {}

  public static ConfigHealth rendered(String revision) {
    return new ConfigHealth(revision, List.of(), null);
  }

  public boolean has(String conditionType) {
    return problems.stream().anyMatch(p -> p.conditionType().equals(conditionType));
  }
}
