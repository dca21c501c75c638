package dev.relais.model;

import java.util.List;

/** The outcome of reading a RouterCluster: a model, or every reason it is invalid. */
public sealed interface Translation {
  record Valid(ClusterModel model) implements Translation {}

  record Invalid(List<Violation> violations) implements Translation {
    public Invalid {
      violations = List.copyOf(violations);
    }

    /** One readable line, for a condition message or a log line. */
    public String summary() {
      return String.join("; ", violations.stream().map(Violation::toString).toList());
    }
  }
}
