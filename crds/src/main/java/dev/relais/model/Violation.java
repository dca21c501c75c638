package dev.relais.model;

/** One reason a RouterCluster is invalid: where (a JSON path like spec.nodes[0].name) and why. */
public record Violation(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
