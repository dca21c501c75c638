package dev.relais.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last config that was applied, kept in the state directory so a restart works with no API
 * server and no good config file. Owner-only and written atomically: it holds the heartbeat keys.
 */
final class LastGood {
  private static final Logger LOG = LoggerFactory.getLogger(LastGood.class);
  static final String FILE = "last-good-config.yaml";

  private final Path file;

  LastGood(Path stateDir) {
    this.file = stateDir.resolve(FILE);
  }

  Path path() {
    return file;
  }

  /** Its text, if there is a copy that can be read. */
  Optional<String> read() {
    if (!Files.exists(file)) return Optional.empty();
    return switch (ConfigFile.read(file)) {
      case ConfigFile.Content c -> Optional.of(c.text());
      case ConfigFile.Unusable(String reason) -> {
        LOG.warn("cannot read the last good config {}: {}", file, reason);
        yield Optional.empty();
      }
    };
  }

  void save(String text) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(FILE + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warn("cannot save the last good config to {}: {}", file, ConfigFile.describe(e, file));
    }
  }
}
