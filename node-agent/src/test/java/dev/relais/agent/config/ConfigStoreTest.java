package dev.relais.agent.config;

import static dev.relais.agent.config.ConfigTexts.GOOD_KEY;
import static dev.relais.agent.config.ConfigTexts.SHORT_KEY;
import static dev.relais.agent.config.ConfigTexts.rejected;
import static dev.relais.agent.config.ConfigTexts.rendered;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.relais.agent.observe.AgentMetrics;
import dev.relais.render.AgentConfigs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's decisions, driven check by check on a virtual clock: what is applied, saved,
 * rejected, counted and logged. {@link ConfigStoreWatchTest} covers the thread and real events.
 */
class ConfigStoreTest {
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration SETTLE = Duration.ofMillis(250);

  @TempDir Path dir;
  private Path file;
  private Path stateDir;
  private final AgentMetrics metrics = new AgentMetrics();
  private final ConfigTexts.RecordingApplier applier = new ConfigTexts.RecordingApplier();
  private ConfigStore store;
  private LogCapture log;
  private long now = 1_000_000_000L;

  @BeforeEach
  void setUp() {
    file = dir.resolve("cfg.yaml");
    stateDir = dir.resolve("state");
    store = newStore();
    log = new LogCapture();
  }

  @AfterEach
  void tearDown() {
    log.close();
  }

  private ConfigStore newStore() {
    return new ConfigStore(
            file,
            stateDir,
            "ns",
            metrics,
            () -> {
              throw new AssertionError("the tests pass the time to check()");
            },
            POLL,
            SETTLE,
            false)
        .applyingTo(applier);
  }

  private void write(String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  /** The agent started on {@code text}, applied it, and now watches. */
  private void startWith(String text) throws IOException {
    write(text);
    assertThat(store.initial()).isInstanceOf(AgentConfigs.Result.Ok.class);
    store.initialApplied();
  }

  /** Two checks, each at the time the one before asked for: a change is seen, then acted on. */
  private void checkUntilSettled() {
    now = store.check(now);
    now = store.check(now);
  }

  private String lastGood() throws IOException {
    return Files.readString(stateDir.resolve(LastGood.FILE));
  }

  @Test
  void theInitialConfigIsSavedAsLastGoodOnlyOnceApplied() throws IOException {
    write(rendered(1));

    assertThat(store.initial()).isInstanceOf(AgentConfigs.Result.Ok.class);
    assertThat(stateDir.resolve(LastGood.FILE)).doesNotExist();

    store.initialApplied();
    assertThat(lastGood()).isEqualTo(rendered(1));
    assertThat(Files.getPosixFilePermissions(stateDir.resolve(LastGood.FILE)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void aChangeIsAppliedOnceItHasSettledAndThenSavedAsLastGood() throws IOException {
    startWith(rendered(1));
    write(rendered(2));

    long due = store.check(now);
    assertThat(due).isEqualTo(now + SETTLE.toNanos());
    assertThat(applier.applied).isEmpty();

    store.check(due);
    assertThat(applier.applied).containsExactly(2L);
    assertThat(lastGood()).isEqualTo(rendered(2));
    assertThat(rejected(metrics)).isZero();
  }

  @Test
  void unchangedContentIsNotAppliedAgain() throws IOException {
    startWith(rendered(1));
    write(rendered(1));

    for (int i = 0; i < 3; i++) checkUntilSettled();

    assertThat(applier.applied).isEmpty();
    assertThat(log.at(Level.ERROR)).isEmpty();
  }

  @Test
  void aRejectedChangeLeavesTheConfigInForceAndTheLastGoodFileUntouched() throws IOException {
    startWith(rendered(1));
    write(rendered(2, SHORT_KEY));

    checkUntilSettled();
    checkUntilSettled();

    assertThat(applier.applied).isEmpty();
    assertThat(lastGood()).isEqualTo(rendered(1));
    assertThat(rejected(metrics)).isEqualTo(1);
    assertThat(log.at(Level.ERROR))
        .singleElement()
        .asString()
        .contains("rejected", "routers/tutorial", "key '1' has 15 bytes");
    assertThat(log.lines()).noneMatch(l -> l.contains(SHORT_KEY) || l.contains("short-key"));
  }

  @Test
  void anExceptionWhileApplyingIsCountedLoggedOnceAndTheLastGoodConfigPutBack() throws IOException {
    startWith(rendered(1));
    applier.failing.add(2L);
    write(rendered(2));

    checkUntilSettled();
    checkUntilSettled();

    assertThat(applier.applied).as("2 failed, then 1 was put back").containsExactly(2L, 1L);
    assertThat(lastGood()).isEqualTo(rendered(1));
    assertThat(rejected(metrics)).isEqualTo(1);
    assertThat(log.at(Level.ERROR))
        .singleElement()
        .asString()
        .contains("cannot be applied", "IllegalStateException: generation 2 exploded");
    assertThat(log.lines()).noneMatch(l -> l.contains(GOOD_KEY));

    write(rendered(3));
    checkUntilSettled();
    assertThat(applier.applied).containsExactly(2L, 1L, 3L);
    assertThat(lastGood()).isEqualTo(rendered(3));
  }

  @Test
  void parseRejectionsAreCountedToo() throws IOException {
    startWith(rendered(1));

    write("kind: [AgentConfig\n");
    checkUntilSettled();
    assertThat(rejected(metrics)).isEqualTo(1);

    write("apiVersion: v1\nkind: ConfigMap\n");
    checkUntilSettled();
    assertThat(rejected(metrics)).isEqualTo(2);
    assertThat(log.at(Level.ERROR))
        .hasSize(2)
        .anyMatch(l -> l.contains("not valid YAML"))
        .anyMatch(l -> l.contains("kind 'ConfigMap' is neither RouterCluster nor Secret"));
    assertThat(applier.applied).isEmpty();
  }

  @Test
  void aFileSeenEmptyWhileItIsBeingWrittenIsNotRejected() throws IOException {
    startWith(rendered(1));
    write(""); // `sed ... > cfg.yaml`: truncated first,
    long due = store.check(now);
    write(rendered(2)); // then written, an event and a check a moment later
    store.check(now + 1_000_000);

    now = store.check(due);
    assertThat(applier.applied).as("not settled yet").isEmpty();
    store.check(now);

    assertThat(applier.applied).containsExactly(2L);
    assertThat(log.at(Level.ERROR)).isEmpty();
    assertThat(rejected(metrics)).isZero();
  }

  @Test
  void aFileThatStaysEmptyIsRejectedOnce() throws IOException {
    startWith(rendered(1));
    write("");

    for (int i = 0; i < 3; i++) checkUntilSettled();

    assertThat(log.at(Level.ERROR)).singleElement().asString().contains("no document");
    assertThat(rejected(metrics)).isEqualTo(1);
    assertThat(lastGood()).isEqualTo(rendered(1));
  }

  @Test
  void aYamlMistakeOnTheKeysLineDoesNotShowTheKey() throws IOException {
    startWith(rendered(1));
    write(rendered(2).replace("\"1\": \"" + GOOD_KEY + "\"", "\"1\": " + GOOD_KEY + ": x"));

    checkUntilSettled();

    assertThat(log.at(Level.ERROR))
        .singleElement()
        .asString()
        .contains("not valid YAML", "line ")
        .doesNotContain(GOOD_KEY.substring(0, 8))
        .doesNotContain("\n");
  }

  @Test
  void aConfigReadableByOthersLoadsAndWarnsOnce() throws IOException {
    write(rendered(1));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(store.initial()).isInstanceOf(AgentConfigs.Result.Ok.class);
    store.initialApplied();
    Files.writeString(file, rendered(2)); // keeps 0644
    checkUntilSettled();

    assertThat(applier.applied).containsExactly(2L);
    assertThat(log.at(Level.WARN))
        .singleElement()
        .asString()
        .contains(file.toString(), "mode 0644", "chmod 0600", "defaultMode: 0400");
  }

  @Test
  void theModeCheckedIsThatOfTheSymlinksTarget() throws IOException {
    Path target = Files.createDirectories(dir.resolve("..data")).resolve("cfg.yaml");
    Files.writeString(target, rendered(1));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(file, Path.of("..data/cfg.yaml"));

    assertThat(store.initial()).isInstanceOf(AgentConfigs.Result.Ok.class);
    assertThat(log.at(Level.WARN)).isEmpty();

    Files.writeString(target, rendered(2));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--r-----"));
    store.initialApplied();
    checkUntilSettled();
    assertThat(log.at(Level.WARN)).singleElement().asString().contains("mode 0440");
  }

  @Test
  void aFileOverTheSizeLimitIsRefusedWithoutBeingRead() throws IOException {
    startWith(rendered(1));
    long size = 60L << 20;
    try (RandomAccessFile huge = new RandomAccessFile(file.toFile(), "rw")) {
      huge.setLength(size); // sparse: 60 MB that take no disk
    }

    checkUntilSettled();

    assertThat(applier.applied).isEmpty();
    assertThat(rejected(metrics)).isEqualTo(1);
    assertThat(log.at(Level.ERROR))
        .singleElement()
        .asString()
        .contains(size + " bytes, more than the " + ConfigFile.MAX_BYTES, "not read");
  }

  @Test
  void aFileThatGrowsPastTheLimitWhileReadIsRefusedToo() throws IOException {
    Files.writeString(file, "0123456789x");

    assertThat(ConfigFile.read(file, 10))
        .isInstanceOf(ConfigFile.Unusable.class)
        .extracting(s -> ((ConfigFile.Unusable) s).reason())
        .asString()
        .contains("11 bytes, more than the 10");
    assertThat(ConfigFile.read(file, 11)).isInstanceOf(ConfigFile.Content.class);
  }

  @Test
  void aBadFileAtStartFallsBackToTheLastGoodCopyAndIsCounted() throws IOException {
    startWith(rendered(1));
    write(rendered(2, SHORT_KEY));

    ConfigStore restarted = newStore();
    var initial = restarted.initial();

    assertThat(initial).isInstanceOf(AgentConfigs.Result.Ok.class);
    assertThat(((AgentConfigs.Result.Ok) initial).clusters().getFirst().model().generation())
        .isEqualTo(1);
    assertThat(rejected(metrics)).isEqualTo(1);
    assertThat(log.at(Level.WARN))
        .singleElement()
        .asString()
        .contains("key '1' has 15 bytes", "starting from the last good copy");
    restarted.initialApplied();
    assertThat(lastGood()).isEqualTo(rendered(1));
  }

  @Test
  void aFileMissingAtStartIsAppliedOnceItAppears() throws IOException {
    startWith(rendered(1));
    Files.delete(file);
    ConfigStore restarted = newStore();
    assertThat(restarted.initial()).isInstanceOf(AgentConfigs.Result.Ok.class);
    restarted.initialApplied();

    write(rendered(2));
    now = restarted.check(now);
    restarted.check(now);

    assertThat(applier.applied).containsExactly(2L);
    assertThat(lastGood()).isEqualTo(rendered(2));
  }

  @Test
  void withoutFileOrLastGoodCopyTheRejectionSaysWhy() {
    assertThat(store.initial())
        .isEqualTo(new AgentConfigs.Result.Rejected("no such file or directory"));
  }
}
