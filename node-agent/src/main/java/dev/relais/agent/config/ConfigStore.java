package dev.relais.agent.config;

import dev.relais.agent.observe.AgentMetrics;
import dev.relais.render.AgentConfigs;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's config file, watched for changes, and the last applied copy kept on the host so a
 * restart works with no API server. A change is applied once its content has settled; a bad one
 * (rejected by {@link AgentConfigs#read}, unreadable, too large, or failing to apply) is counted
 * and logged once, and the config in force stays. Only what was applied is saved as last good.
 *
 * <p>How changes are seen: the file's name cannot be matched in watch events, because a Kubernetes
 * Secret or ConfigMap volume replaces it by renaming a {@code ..data} symlink in the directory
 * ({@code cfg.yaml -> ..data/cfg.yaml} itself never changes), and editors rename a temporary file
 * over it. So any event in the directory, and a poll (for missed events, an unwatchable directory,
 * one that does not exist yet, or a symlink's target elsewhere), re-reads the file through its
 * symlinks and compares a hash of the bytes with the last content acted on: it is content, not
 * events, that decides. A new content is acted on only when a read {@link #SETTLE} later finds it
 * unchanged, so a non-atomic write ({@code sed ... > cfg.yaml} truncates, then writes) is not taken
 * half-done.
 *
 * <p>Thread confinement: {@link #initial} and {@link #initialApplied} run on the caller's thread
 * before {@link #watch}; after it every check runs on the one "relais-config" thread.
 */
public final class ConfigStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);
  static final Duration POLL = Duration.ofSeconds(1);

  /**
   * The poll while the directory is watched and the file is no symlink, so events see every change
   * and the poll only guards against a lost one: each poll reads and hashes the file, which was a
   * tenth of an idle agent's CPU at a 1 s keepalive (docs/benchmarks.md, "Idle cost").
   */
  static final Duration WATCHED_POLL = Duration.ofSeconds(10);

  /** Longer than a shell redirect or a copy takes between truncating and finishing the file. */
  static final Duration SETTLE = Duration.ofMillis(250);

  /** Puts a config in force; an exception means it is not (the store keeps the one before). */
  @FunctionalInterface
  public interface Applier {
    void apply(AgentConfigs.Result.Ok config) throws Exception;
  }

  private final Path file;
  private final LastGood lastGood;
  private final String namespace;
  private final AgentMetrics metrics;
  private final LongSupplier nanoClock;
  private final long pollNanos;
  private final long watchedPollNanos;
  private final long settleNanos;
  private final boolean watchDirectory;

  private Applier applier;
  private AgentConfigs.Result.Ok inForce;
  private String initialText;
  private String handled;
  private String pending;
  private long pendingSinceNanos;
  private boolean warnedReadable;

  private WatchService watcher;
  private WatchKey directoryKey;
  private boolean warnedUnwatched;
  private Thread thread;
  private volatile boolean closed;

  public ConfigStore(Path file, Path stateDir, String namespace, AgentMetrics metrics) {
    this(file, stateDir, namespace, metrics, System::nanoTime, POLL, WATCHED_POLL, SETTLE, true);
  }

  /** With the clock, the intervals and whether to watch the directory (else poll only). */
  ConfigStore(
      Path file,
      Path stateDir,
      String namespace,
      AgentMetrics metrics,
      LongSupplier nanoClock,
      Duration poll,
      Duration settle,
      boolean watchDirectory) {
    this(file, stateDir, namespace, metrics, nanoClock, poll, poll, settle, watchDirectory);
  }

  /** As above, polling every {@code watchedPoll} while events cover the file. */
  ConfigStore(
      Path file,
      Path stateDir,
      String namespace,
      AgentMetrics metrics,
      LongSupplier nanoClock,
      Duration poll,
      Duration watchedPoll,
      Duration settle,
      boolean watchDirectory) {
    this.file = file.toAbsolutePath();
    this.lastGood = new LastGood(stateDir);
    this.namespace = namespace;
    this.metrics = metrics;
    this.nanoClock = nanoClock;
    this.pollNanos = poll.toNanos();
    this.watchedPollNanos = watchedPoll.toNanos();
    this.settleNanos = settle.toNanos();
    this.watchDirectory = watchDirectory;
  }

  /** Creates the state directory if needed; why it cannot hold the last good copy, if it cannot. */
  public Optional<String> stateDirProblem() {
    Path dir = lastGood.path().getParent();
    try {
      Files.createDirectories(dir);
      if (!Files.isWritable(dir)) throw new AccessDeniedException(dir.toString());
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(ConfigFile.describe(e, dir));
    }
  }

  /**
   * The config to start with: the file if it is good, else the last good copy, else the file's
   * rejection. Nothing is saved until {@link #initialApplied}.
   */
  public AgentConfigs.Result initial() {
    ConfigFile.Snapshot snapshot = ConfigFile.read(file);
    handled = snapshot.fingerprint();
    AgentConfigs.Result fromFile = evaluate(snapshot);
    if (fromFile instanceof AgentConfigs.Result.Ok ok) {
      initialText = ((ConfigFile.Content) snapshot).text();
      inForce = ok;
      return ok;
    }
    String reason = ((AgentConfigs.Result.Rejected) fromFile).reason();
    metrics.configRejected();
    Optional<String> saved = lastGood.read();
    if (saved.isPresent()) {
      switch (AgentConfigs.read(saved.get(), namespace)) {
        case AgentConfigs.Result.Ok ok -> {
          LOG.warn(
              "config {} rejected ({}); starting from the last good copy {}",
              file,
              reason,
              lastGood.path());
          inForce = ok;
          return ok;
        }
        case AgentConfigs.Result.Rejected(String why) ->
            LOG.warn("last good config {} rejected too: {}", lastGood.path(), oneLine(why));
      }
    }
    return fromFile;
  }

  /**
   * The caller applied {@link #initial}'s config: if it came from the file, it is now last good.
   */
  public void initialApplied() {
    if (initialText != null) lastGood.save(initialText);
    initialText = null;
  }

  /** Watches the file on its own thread; each settled change goes to {@code applier}. */
  public void watch(Applier applier) {
    applyingTo(applier);
    if (watchDirectory) {
      try {
        watcher = FileSystems.getDefault().newWatchService();
        watchDirectory(); // before the thread starts, so no change after watch() goes unseen
      } catch (IOException e) {
        LOG.warn("cannot watch {} ({}); polling it every {}", file, e, Duration.ofNanos(pollNanos));
      }
    }
    thread = Thread.ofPlatform().name("relais-config").daemon().start(this::run);
  }

  /** For tests that drive {@link #check} themselves. */
  ConfigStore applyingTo(Applier applier) {
    this.applier = applier;
    return this;
  }

  /** (Re)registers the directory: it may not exist yet, or may have been replaced. */
  private void watchDirectory() {
    if (watcher == null || (directoryKey != null && directoryKey.isValid())) return;
    try {
      directoryKey =
          file.getParent()
              .register(
                  watcher,
                  StandardWatchEventKinds.ENTRY_CREATE,
                  StandardWatchEventKinds.ENTRY_MODIFY,
                  StandardWatchEventKinds.ENTRY_DELETE);
      warnedUnwatched = false;
    } catch (IOException e) {
      if (!warnedUnwatched) {
        LOG.warn(
            "cannot watch directory {} ({}); polling until it can be watched",
            file.getParent(),
            ConfigFile.describe(e, file.getParent()));
        warnedUnwatched = true;
      }
    }
  }

  private void run() {
    // A change since initial() is found by the first poll; events cover what follows watch().
    long due = nanoClock.getAsLong() + pollNanos();
    while (!closed) {
      try {
        long waitNanos = due - nanoClock.getAsLong();
        if (waitNanos > 0) awaitEvent(waitNanos);
        due = check(nanoClock.getAsLong());
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        // A bug, not a bad file (those are values): say so, and keep watching.
        LOG.error("config watch of {} failed; still watching", file, e);
        due = nanoClock.getAsLong() + pollNanos();
      }
    }
  }

  /** Returns on any event in the file's directory, or after {@code waitNanos}. */
  private void awaitEvent(long waitNanos) throws InterruptedException {
    watchDirectory();
    if (watcher == null || directoryKey == null || !directoryKey.isValid()) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
      return;
    }
    WatchKey key = watcher.poll(waitNanos, TimeUnit.NANOSECONDS);
    if (key != null) {
      key.pollEvents();
      key.reset();
    }
  }

  /**
   * Reads the file and acts on a content that changed and has settled; returns when to check next.
   * On the config thread (or a test's).
   */
  long check(long nowNanos) {
    ConfigFile.Snapshot snapshot = ConfigFile.read(file);
    String fingerprint = snapshot.fingerprint();
    if (fingerprint.equals(handled)) {
      pending = null;
      return nowNanos + pollNanos();
    }
    if (!fingerprint.equals(pending)) {
      pending = fingerprint;
      pendingSinceNanos = nowNanos;
      return nowNanos + settleNanos;
    }
    long settledAt = pendingSinceNanos + settleNanos;
    if (nowNanos - settledAt < 0) return settledAt;
    pending = null;
    handled = fingerprint;
    act(snapshot);
    return nowNanos + pollNanos();
  }

  /**
   * The slow poll only while directory events see every change: the directory is watched and the
   * file is no symlink (an edit of a symlink's target in another directory sends no event here).
   */
  private long pollNanos() {
    boolean covered = directoryKey != null && directoryKey.isValid() && !Files.isSymbolicLink(file);
    return covered ? watchedPollNanos : pollNanos;
  }

  private void act(ConfigFile.Snapshot snapshot) {
    switch (evaluate(snapshot)) {
      case AgentConfigs.Result.Rejected(String reason) -> reject(reason);
      case AgentConfigs.Result.Ok ok -> {
        try {
          applier.apply(ok);
        } catch (Exception e) {
          if (e instanceof InterruptedException) Thread.currentThread().interrupt();
          if (closed) return;
          reject("cannot be applied: " + failure(e));
          restore();
          return;
        }
        inForce = ok;
        lastGood.save(((ConfigFile.Content) snapshot).text());
        LOG.info("config {} changed; applied", file);
      }
    }
  }

  /** A failed apply may have changed part of the agent: the config in force, put back whole. */
  private void restore() {
    if (inForce == null || Thread.currentThread().isInterrupted()) return;
    try {
      applier.apply(inForce);
    } catch (Exception e) {
      LOG.error("config {}: the last good config could not be put back: {}", file, failure(e));
    }
  }

  private void reject(String reason) {
    metrics.configRejected();
    LOG.error("config {} rejected, keeping the last good config: {}", file, reason);
  }

  /** The file's content as a config; warns once when it is readable by more than its owner. */
  private AgentConfigs.Result evaluate(ConfigFile.Snapshot snapshot) {
    return switch (snapshot) {
      case ConfigFile.Unusable(String reason) -> new AgentConfigs.Result.Rejected(reason);
      case ConfigFile.Content content -> {
        AgentConfigs.Result result = AgentConfigs.read(content.text(), namespace);
        if (result instanceof AgentConfigs.Result.Rejected(String reason)) {
          yield new AgentConfigs.Result.Rejected(oneLine(reason));
        }
        warnIfReadableByOthers();
        yield result;
      }
    };
  }

  private void warnIfReadableByOthers() {
    Optional<Set<PosixFilePermission>> permissions = ConfigFile.permissions(file);
    boolean readable = permissions.map(ConfigFile::readableByOthers).orElse(false);
    if (readable && !warnedReadable) {
      LOG.warn(
          "config {} holds heartbeat keys but is readable by group or others (mode {}):"
              + " chmod 0600 it (for a Kubernetes Secret volume, set defaultMode: 0400)",
          file,
          ConfigFile.octal(permissions.get()));
    }
    warnedReadable = readable;
  }

  /**
   * A rejection on one line. SnakeYAML's messages quote the offending line of the file under the
   * position, indented: that line may hold a key, so it is dropped.
   */
  static String oneLine(String reason) {
    if (reason == null) return "no reason given";
    return reason
        .lines()
        .filter(line -> !line.startsWith("    "))
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .collect(Collectors.joining(" "));
  }

  private static String failure(Exception e) {
    return e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()));
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (watcher != null) watcher.close();
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
