package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoopDelayTest {
  private static final long MS = 1_000_000L;
  private final Timer timer = new SimpleMeterRegistry().timer("delay");
  private final LoopDelay delay = new LoopDelay(timer);

  @Test
  void everyTimerIsRecordedAndOnlyThoseBeyondThePeersSlackAreWorthAWarning() {
    assertThat(delay.onTimer(MS / 10, 0, 15 * MS)).isNull();
    assertThat(delay.onTimer(15 * MS, MS, 15 * MS)).isNull();
    assertThat(delay.onTimer(31 * MS, 2 * MS, 15 * MS))
        .isEqualTo(new LoopDelay.Late(31 * MS, 15 * MS, 0, 0));
    assertThat(timer.count()).isEqualTo(3);
    assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(31.0);
  }

  @Test
  void warningsComeAtMostEveryTenSecondsAndCountWhatWasHeldBack() {
    long t = 1_000 * MS;
    assertThat(delay.onTimer(20 * MS, t, 15 * MS)).isNotNull();
    assertThat(delay.onTimer(40 * MS, t + 1_000 * MS, 15 * MS)).isNull();
    assertThat(delay.onTimer(25 * MS, t + 9_000 * MS, 15 * MS)).isNull();
    assertThat(delay.onTimer(16 * MS, t + 10_000 * MS, 15 * MS))
        .isEqualTo(new LoopDelay.Late(16 * MS, 15 * MS, 2, 40 * MS));
    assertThat(delay.onTimer(30 * MS, t + 11_000 * MS, 15 * MS)).isNull();
    assertThat(delay.onTimer(30 * MS, t + 20_000 * MS, 15 * MS))
        .isEqualTo(new LoopDelay.Late(30 * MS, 15 * MS, 1, 30 * MS));
  }

  @Test
  void aTimerRunEarlyCountsAsOnTime() {
    assertThat(delay.onTimer(-MS, 0, 15 * MS)).isNull();
    assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isZero();
  }
}
