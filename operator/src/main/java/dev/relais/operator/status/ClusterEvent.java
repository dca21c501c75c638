package dev.relais.operator.status;

/** An event to record on the RouterCluster: Normal or Warning, a CamelCase reason, a message. */
public record ClusterEvent(boolean warning, String reason, String message) {
  public static ClusterEvent normal(String reason, String message) {
    return new ClusterEvent(false, reason, message);
  }

  public static ClusterEvent warning(String reason, String message) {
    return new ClusterEvent(true, reason, message);
  }
}
