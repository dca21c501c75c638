package dev.relais.agent.kube;

import dev.relais.render.AgentConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every config this agent ran from the API, one file per rendered Secret under {@code
 * STATE_DIR/kubernetes/}, so a restart with the API unreachable serves what it served before.
 * Written atomically (temporary file, then rename) with mode 0600: they hold the heartbeat keys.
 * The first line keeps the Secret's revision, so the node state reports it after a restart.
 */
final class PersistedConfigs {
  private static final Logger LOG = LoggerFactory.getLogger(PersistedConfigs.class);
  static final String DIRECTORY = "kubernetes";
  private static final String SUFFIX = ".yaml";
  private static final String REVISION_LINE = "# relais.dev/config-revision: ";
  // A Secret name is a DNS subdomain: nothing in it can leave the directory.
  private static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  private final Path dir;
  private final String namespace;

  PersistedConfigs(Path stateDir, String namespace) {
    this.dir = stateDir.resolve(DIRECTORY);
    this.namespace = namespace;
  }

  Path directory() {
    return dir;
  }

  /** Creates the directory (0700) if needed; why it cannot hold the configs, if it cannot. */
  Optional<String> problem() {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      if (!Files.isWritable(dir)) throw new AccessDeniedException(dir.toString());
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Every readable, valid config kept here; others are logged and skipped. */
  List<ServedClusters.Version> load() {
    List<ServedClusters.Version> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) return out;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path file : files) {
        String secret = file.getFileName().toString();
        secret = secret.substring(0, secret.length() - SUFFIX.length());
        if (!SECRET_NAME.matcher(secret).matches()) continue;
        read(secret, file).ifPresent(out::add);
      }
    } catch (IOException e) {
      LOG.warn("cannot list the saved configs in {}: {}", dir, e.toString());
    }
    return out;
  }

  private Optional<ServedClusters.Version> read(String secret, Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      LOG.warn("cannot read the saved config {}: {}", file, e.toString());
      return Optional.empty();
    }
    String revision = "";
    String document = text;
    if (text.startsWith(REVISION_LINE)) {
      int end = text.indexOf('\n');
      revision = text.substring(REVISION_LINE.length(), end < 0 ? text.length() : end).strip();
      document = end < 0 ? "" : text.substring(end + 1);
    }
    switch (AgentConfigs.read(document, namespace)) {
      case AgentConfigs.Result.Ok ok when ok.clusters().size() == 1 -> {
        return Optional.of(
            new ServedClusters.Version(secret, document, revision, ok.clusters().getFirst()));
      }
      case AgentConfigs.Result.Ok ok -> {
        LOG.warn("saved config {} holds {} clusters; skipped", file, ok.clusters().size());
        return Optional.empty();
      }
      case AgentConfigs.Result.Rejected(String reason) -> {
        LOG.warn("saved config {} rejected: {}", file, ServedClusters.oneLine(reason));
        return Optional.empty();
      }
    }
  }

  void save(ServedClusters.Version version) {
    Path file = file(version.secret());
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve("." + version.secret() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          tmp, REVISION_LINE + version.revision() + "\n" + version.text(), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warn("cannot save the config of {} to {}: {}", version.cluster(), file, e.toString());
    }
  }

  void delete(String secret) {
    try {
      Files.deleteIfExists(file(secret));
    } catch (IOException e) {
      LOG.warn("cannot delete the saved config {}: {}", file(secret), e.toString());
    }
  }

  private Path file(String secret) {
    if (!SECRET_NAME.matcher(secret).matches()) {
      throw new IllegalArgumentException("not a Secret name: " + secret);
    }
    return dir.resolve(secret + SUFFIX);
  }
}
