package dev.relais.agent.config;

import dev.relais.render.AgentConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's config file, watched for changes, and the last good copy kept on the host so a
 * restart works with no API server. A bad new file is rejected with a log line and the last good
 * config stays in force. Runs its watch on its own thread; results go to the given consumer.
 */
public final class ConfigStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);
  static final String LAST_GOOD = "last-good-config.yaml";

  private final Path file;
  private final Path lastGood;
  private final String namespace;
  private volatile String lastGoodText;
  private WatchService watcher;
  private Thread thread;

  public ConfigStore(Path file, Path stateDir, String namespace) {
    this.file = file.toAbsolutePath();
    this.lastGood = stateDir.resolve(LAST_GOOD);
    this.namespace = namespace;
  }

  /**
   * The config to start with: the file if it is good (then saved as last good), else the last good
   * copy on disk, else the rejection.
   */
  public AgentConfigs.Result initial() {
    AgentConfigs.Result fromFile = readFile();
    if (fromFile instanceof AgentConfigs.Result.Ok) {
      return fromFile;
    }
    String reason = ((AgentConfigs.Result.Rejected) fromFile).reason();
    if (Files.isReadable(lastGood)) {
      try {
        String text = Files.readString(lastGood);
        AgentConfigs.Result saved = AgentConfigs.read(text, namespace);
        if (saved instanceof AgentConfigs.Result.Ok) {
          LOG.warn(
              "config {} rejected ({}); starting from the last good copy {}",
              file,
              reason,
              lastGood);
          lastGoodText = text;
          return saved;
        }
      } catch (IOException e) {
        LOG.warn("cannot read last good config {}: {}", lastGood, e.toString());
      }
    }
    return fromFile;
  }

  /** Watches the file; each change that parses is saved and delivered, a bad one only logged. */
  public void watch(Consumer<AgentConfigs.Result.Ok> onChange) throws IOException {
    watcher = FileSystems.getDefault().newWatchService();
    file.getParent()
        .register(
            watcher,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_DELETE);
    thread =
        Thread.ofPlatform()
            .name("relais-config")
            .daemon()
            .start(
                () -> {
                  try {
                    while (true) {
                      WatchKey key = watcher.take();
                      boolean ours =
                          key.pollEvents().stream()
                              .anyMatch(e -> file.getFileName().equals(e.context()));
                      key.reset();
                      if (ours) reload(onChange);
                    }
                  } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
                    Thread.currentThread().interrupt();
                  }
                });
  }

  private void reload(Consumer<AgentConfigs.Result.Ok> onChange) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      LOG.error("config {} unreadable ({}); keeping the last good config", file, e.toString());
      return;
    }
    if (Objects.equals(text, lastGoodText)) {
      return;
    }
    switch (AgentConfigs.read(text, namespace)) {
      case AgentConfigs.Result.Ok ok -> {
        save(text);
        onChange.accept(ok);
      }
      case AgentConfigs.Result.Rejected(String reason) ->
          LOG.error("config {} rejected, keeping the last good config: {}", file, reason);
    }
  }

  private AgentConfigs.Result readFile() {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      return new AgentConfigs.Result.Rejected("cannot read " + file + ": " + e);
    }
    AgentConfigs.Result result = AgentConfigs.read(text, namespace);
    if (result instanceof AgentConfigs.Result.Ok) {
      save(text);
    }
    return result;
  }

  /** Atomic write, owner-only: the file holds the heartbeat keys. */
  private void save(String text) {
    lastGoodText = text;
    try {
      Files.createDirectories(lastGood.getParent());
      Path tmp = lastGood.resolveSibling(LAST_GOOD + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp, lastGood, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, lastGood, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warn("cannot save last good config to {}: {}", lastGood, e.toString());
    }
  }

  @Override
  public void close() throws IOException {
    if (watcher != null) watcher.close();
    if (thread != null) thread.interrupt();
  }
}
