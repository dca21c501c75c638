package dev.relais.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The writer's retry pace: exponential, capped, jittered between half and all of each step. */
class NodeStateWriterBackoffTest {
  private final NodeStateWriter writer =
      new NodeStateWriter(
          null,
          "ns",
          "maitre",
          Map::of,
          Map::of,
          new NodeStatuses.Identity("test", java.util.List.of()),
          Clock.systemUTC(),
          new SplittableRandom(7));

  @Test
  void backoffDoublesFromTheFirstStepUpToTheCapWithJitter() {
    for (int failures = 1; failures <= 40; failures++) {
      long step =
          Math.min(
              NodeStateWriter.MAX_BACKOFF.toMillis(),
              NodeStateWriter.FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 20));
      for (int i = 0; i < 50; i++) {
        Duration d = writer.backoff(failures);
        assertThat(d.toMillis()).isBetween(step / 2, step);
      }
    }
    assertThat(writer.backoff(1).toMillis()).isLessThanOrEqualTo(200);
    assertThat(writer.backoff(100).toMillis()).isBetween(15_000L, 30_000L);
    writer.close();
  }
}
