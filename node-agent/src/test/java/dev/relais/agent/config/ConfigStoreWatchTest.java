package dev.relais.agent.config;

import static dev.relais.agent.config.ConfigTexts.rejected;
import static dev.relais.agent.config.ConfigTexts.rendered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.render.AgentConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch thread against the real file system: the ways a config file is replaced, seen through
 * directory events (the poll set to an hour, so only an event can be what found the change) or
 * through polling alone.
 */
class ConfigStoreWatchTest {
  private static final Duration NEVER = Duration.ofHours(1);
  private static final Duration FAST_POLL = Duration.ofMillis(20);
  private static final Duration SETTLE = Duration.ofMillis(20);
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;
  private Path file;
  private Path stateDir;
  private final AgentMetrics metrics = new AgentMetrics();
  private final ConfigTexts.RecordingApplier applier = new ConfigTexts.RecordingApplier();
  private ConfigStore store;
  private LogCapture log;

  @BeforeEach
  void setUp() {
    file = dir.resolve("cfg.yaml");
    stateDir = dir.resolve("state");
    log = new LogCapture();
  }

  @AfterEach
  void tearDown() throws IOException {
    if (store != null) store.close();
    log.close();
  }

  private void startWatching(Duration poll, boolean watchDirectory) {
    store =
        new ConfigStore(
            file, stateDir, "ns", metrics, System::nanoTime, poll, SETTLE, watchDirectory);
    assertThat(store.initial()).isInstanceOf(AgentConfigs.Result.Ok.class);
    store.initialApplied();
    store.watch(applier);
  }

  private void awaitApplied(long generation) {
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(applier.applied).contains(generation));
  }

  /** A Kubernetes Secret/ConfigMap volume as the kubelet's AtomicWriter lays it out. */
  private final class KubeletVolume {
    private int revision;
    private Path current;

    KubeletVolume(String text) throws IOException {
      current = payload(text);
      Files.createSymbolicLink(dir.resolve("..data"), current.getFileName());
      Files.createSymbolicLink(file, Path.of("..data", "cfg.yaml"));
    }

    /** A new timestamped dir, {@code ..data_tmp} pointing at it, renamed over {@code ..data}. */
    void update(String text) throws IOException {
      Path old = current;
      current = payload(text);
      Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), current.getFileName());
      Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      Files.delete(old.resolve("cfg.yaml"));
      Files.delete(old);
    }

    private Path payload(String text) throws IOException {
      Path payload =
          Files.createDirectory(
              dir.resolve("..2026_12_03_10_0%d_00.12345678%d".formatted(revision, revision)));
      revision++;
      Path cfg = payload.resolve("cfg.yaml");
      Files.writeString(cfg, text);
      Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("r--------"));
      return payload;
    }
  }

  @Test
  void aKubernetesVolumeUpdateIsAppliedOnTheDirectorysEvents() throws IOException {
    KubeletVolume volume = new KubeletVolume(rendered(1));
    startWatching(NEVER, true);

    volume.update(rendered(2));

    awaitApplied(2);
    assertThat(Files.readString(stateDir.resolve(LastGood.FILE))).isEqualTo(rendered(2));
    assertThat(log.at(Level.ERROR)).isEmpty();
    assertThat(log.at(Level.WARN)).as("0400 through the symlinks").isEmpty();
  }

  @Test
  void aKubernetesVolumeUpdateIsAppliedByPollingAlone() throws IOException {
    KubeletVolume volume = new KubeletVolume(rendered(1));
    startWatching(FAST_POLL, false);

    volume.update(rendered(2));
    awaitApplied(2);
    volume.update(rendered(3));
    awaitApplied(3);

    assertThat(applier.applied).containsExactly(2L, 3L);
  }

  @Test
  void anInPlaceWriteIsApplied() throws IOException {
    Files.writeString(file, rendered(1));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    startWatching(NEVER, true);

    Files.writeString(file, rendered(2)); // truncates, then writes

    awaitApplied(2);
    assertThat(applier.applied).containsExactly(2L);
    assertThat(log.at(Level.ERROR)).isEmpty();
  }

  @Test
  void aFileRenamedOverTheConfigIsApplied() throws IOException {
    Files.writeString(file, rendered(1));
    startWatching(NEVER, true);

    Path tmp = Files.writeString(dir.resolve(".cfg.yaml.swp"), rendered(2));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    awaitApplied(2);
  }

  @Test
  void theWatchGoesOnAfterAConfigFailsToApply() throws IOException {
    Files.writeString(file, rendered(1));
    applier.failing.add(2L);
    startWatching(NEVER, true);

    Files.writeString(file, rendered(2));
    await().atMost(PATIENCE).until(() -> rejected(metrics) == 1);
    Files.writeString(file, rendered(3));

    awaitApplied(3);
    assertThat(applier.applied).containsExactly(2L, 1L, 3L);
    assertThat(Files.readString(stateDir.resolve(LastGood.FILE))).isEqualTo(rendered(3));
  }

  @Test
  void aConfigDirectoryMissingAtStartIsPolledUntilTheFileAppears() throws IOException {
    Files.writeString(file, rendered(1));
    startWatching(FAST_POLL, true);
    store.close();

    // Restarted with the directory gone: from the last good copy, until the file is back.
    file = dir.resolve("later").resolve("cfg.yaml");
    startWatching(FAST_POLL, true);
    Files.createDirectories(file.getParent());
    Files.writeString(file, rendered(2));

    awaitApplied(2);
    assertThat(log.at(Level.WARN)).anyMatch(l -> l.contains("cannot watch directory"));
  }
}
