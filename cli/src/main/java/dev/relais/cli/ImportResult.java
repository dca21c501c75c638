package dev.relais.cli;

import dev.relais.api.v1alpha1.RouterCluster;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;

/** The outcome of an import: both objects, or every reason there are none. */
public sealed interface ImportResult {
  List<Diagnostic> diagnostics();

  /** A RouterCluster and its Secret that validate and render; diagnostics hold no error. */
  record Imported(RouterCluster cluster, Secret secret, List<Diagnostic> diagnostics)
      implements ImportResult {
    public Imported {
      diagnostics = List.copyOf(diagnostics);
    }
  }

  /** At least one diagnostic is an error; nothing is printed but them. */
  record Failed(List<Diagnostic> diagnostics) implements ImportResult {
    public Failed {
      diagnostics = List.copyOf(diagnostics);
    }
  }
}
