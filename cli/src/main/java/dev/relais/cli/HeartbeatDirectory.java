package dev.relais.cli;

import static dev.relais.cli.Diagnostic.AUTHKEYS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads ha.cf, authkeys and haresources from a directory such as /etc/ha.d (the only I/O). */
public final class HeartbeatDirectory {
  private HeartbeatDirectory() {}

  public static HeartbeatSources read(Path dir) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    Optional<String> haCf = text(dir, Diagnostic.HA_CF, diagnostics);
    Optional<String> authkeys = text(dir, AUTHKEYS, diagnostics);
    Optional<String> haresources = text(dir, Diagnostic.HARESOURCES, diagnostics);
    if (authkeys.isPresent()) {
      permissions(dir.resolve(AUTHKEYS)).ifPresent(diagnostics::add);
    }
    return new HeartbeatSources(haCf, authkeys, haresources, diagnostics);
  }

  private static Optional<String> text(Path dir, String file, List<Diagnostic> out) {
    try {
      return Optional.of(Files.readString(dir.resolve(file)));
    } catch (NoSuchFileException e) {
      out.add(
          Diagnostic.error(
              file,
              0,
              "not found in " + dir + " (heartbeat needs ha.cf, authkeys and haresources)"));
    } catch (IOException | java.io.UncheckedIOException e) {
      out.add(Diagnostic.error(file, 0, "cannot be read: " + e.getMessage()));
    }
    return Optional.empty();
  }

  /** heartbeat refuses to start when authkeys is readable by group or others (read bits only). */
  static Optional<Diagnostic> permissions(Path authkeys) {
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(authkeys);
    } catch (UnsupportedOperationException | IOException e) {
      return Optional.empty(); // no POSIX modes here: nothing heartbeat could have checked
    }
    if (mode.contains(PosixFilePermission.GROUP_READ)
        || mode.contains(PosixFilePermission.OTHERS_READ)) {
      return Optional.of(
          Diagnostic.error(
              AUTHKEYS,
              0,
              "mode "
                  + PosixFilePermissions.toString(mode)
                  + " lets group or others read the keys; heartbeat refuses to start so: chmod 600 "
                  + authkeys));
    }
    return Optional.empty();
  }
}
