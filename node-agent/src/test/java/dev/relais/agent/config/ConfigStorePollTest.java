package dev.relais.agent.config;

import static dev.relais.agent.config.ConfigTexts.rendered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relais.agent.observe.AgentMetrics;
import dev.relais.render.AgentConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poll's two rates: slow while directory events see every change of the file, fast when they
 * cannot (a symlink whose target lives in another directory). The slow poll is set to an hour, so
 * only the fast poll can find what no event reports.
 */
class ConfigStorePollTest {
  private static final Duration FAST_POLL = Duration.ofMillis(20);
  private static final Duration NEVER = Duration.ofHours(1);
  private static final Duration SETTLE = Duration.ofMillis(20);
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final AgentMetrics metrics = new AgentMetrics();
  private final ConfigTexts.RecordingApplier applier = new ConfigTexts.RecordingApplier();
  private ConfigStore store;

  @AfterEach
  void tearDown() throws IOException {
    if (store != null) store.close();
  }

  private void watch(Path file) {
    store =
        new ConfigStore(
            file,
            dir.resolve("state"),
            "ns",
            metrics,
            System::nanoTime,
            FAST_POLL,
            NEVER,
            SETTLE,
            true);
    assertThat(store.initial()).isInstanceOf(AgentConfigs.Result.Ok.class);
    store.initialApplied();
    store.watch(applier);
  }

  @Test
  void anEditOfASymlinksTargetInAnotherDirectoryIsFoundByTheFastPoll() throws IOException {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Path target = Files.writeString(elsewhere.resolve("real.yaml"), rendered(1));
    Path watched = Files.createDirectory(dir.resolve("watched"));
    Path link = Files.createSymbolicLink(watched.resolve("cfg.yaml"), target);
    watch(link);

    Files.writeString(target, rendered(2)); // an event in "elsewhere", none in "watched"

    await().atMost(PATIENCE).untilAsserted(() -> assertThat(applier.applied).contains(2L));
  }

  @Test
  void aPlainFileInAWatchedDirectoryIsFoundByItsEventDespiteTheSlowPoll() throws IOException {
    Path file = Files.writeString(dir.resolve("cfg.yaml"), rendered(1));
    watch(file);

    Files.writeString(file, rendered(2));

    await().atMost(PATIENCE).untilAsserted(() -> assertThat(applier.applied).contains(2L));
  }
}
