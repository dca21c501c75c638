package dev.relais.cli;

import java.util.List;
import java.util.Optional;

/**
 * The text of a heartbeat directory's three files, empty where a file could not be read, and what
 * reading found (a missing file, authkeys readable by others).
 */
public record HeartbeatSources(
    Optional<String> haCf,
    Optional<String> authkeys,
    Optional<String> haresources,
    List<Diagnostic> diagnostics) {
  public HeartbeatSources {
    diagnostics = List.copyOf(diagnostics);
  }

  public static HeartbeatSources of(String haCf, String authkeys, String haresources) {
    return new HeartbeatSources(
        Optional.of(haCf), Optional.of(authkeys), Optional.of(haresources), List.of());
  }
}
