package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.dataplane.DataplaneError;
import dev.relais.agent.dataplane.FakeDataplane;
import dev.relais.agent.dataplane.Lifetime;
import dev.relais.agent.dataplane.VirtualIp;
import dev.relais.agent.observe.AgentMetrics;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

/** Renewals ride on the heartbeats; the per-group timer renews only when none went out in time. */
class HeldGroupsTest {
  private static final VirtualIp VIP = VirtualIp.of("192.0.2.10/24", "eth0");
  private static final Lifetime NINE_SECONDS = Lifetime.expiring(Duration.ofSeconds(9));
  private static final long SECOND = 1_000_000_000L;

  private final MockTicker ticker = Ticker.newMockTicker();
  private final long start = ticker.nanoTime();
  private final EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker).build();
  private final FakeDataplane dataplane = new FakeDataplane(e -> {});
  private final AgentMetrics metrics = new AgentMetrics();
  private final HeldGroups held =
      new HeldGroups(
          channel.eventLoop(),
          ticker::nanoTime,
          dataplane,
          metrics,
          NOPLogger.NOP_LOGGER,
          "lab",
          "maitre");

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  @Test
  void aHeartbeatRenewsWhatFallsDueBeforeTheNextOne() {
    held.install("gw", List.of(VIP), NINE_SECONDS); // renewal every 3 s
    advanceTo(SECOND);
    held.renewDue(ticker.nanoTime(), SECOND); // due at 3 s, next heartbeat at 2 s: not yet
    assertThat(installs()).isEqualTo(1);

    advanceTo(2 * SECOND);
    held.renewDue(ticker.nanoTime(), SECOND); // due at 3 s, next heartbeat at 3 s: now
    channel.runPendingTasks();
    assertThat(installs()).isEqualTo(2);
    assertThat(dataplane.installed()).containsEntry(VIP, NINE_SECONDS);

    // The renewal moved the timer too: 3.75 s after the heartbeat's renewal, not after the add.
    advanceTo(5 * SECOND);
    assertThat(installs()).isEqualTo(2);
  }

  @Test
  void withoutHeartbeatsTheTimerRenewsAQuarterPeriodLate() {
    held.install("gw", List.of(VIP), NINE_SECONDS);
    advanceTo(3_740_000_000L);
    assertThat(installs()).isEqualTo(1);
    advanceTo(3_760_000_000L);
    assertThat(installs()).isEqualTo(2);
    advanceTo(3_760_000_000L + 3_760_000_000L);
    assertThat(installs()).isEqualTo(3);
  }

  @Test
  void aReleasedGroupIsNeitherRenewedNorTimed() {
    held.install("gw", List.of(VIP), NINE_SECONDS);
    held.release("gw");
    advanceTo(30 * SECOND);
    held.renewDue(ticker.nanoTime(), SECOND);
    assertThat(installs()).isEqualTo(1);
  }

  @Test
  void aPermanentAddressIsNeverRenewed() {
    held.install("gw", List.of(VIP), Lifetime.permanent());
    advanceTo(30 * SECOND);
    held.renewDue(ticker.nanoTime(), 30 * SECOND);
    assertThat(installs()).isEqualTo(1);
  }

  @Test
  void aFailingRenewalIsCountedEachTimeAndTheNextOneRetries() {
    held.install("gw", List.of(VIP), NINE_SECONDS);
    dataplane.failNext(new DataplaneError.KernelError("RTM_NEWADDR", 16, "busy"));
    dataplane.failNext(new DataplaneError.KernelError("RTM_NEWADDR", 16, "busy"));
    advanceTo(3 * SECOND);
    held.renewDue(ticker.nanoTime(), 0);
    channel.runPendingTasks();
    assertThat(renewFailures()).isEqualTo(1);
    advanceTo(6 * SECOND);
    held.renewDue(ticker.nanoTime(), 0);
    channel.runPendingTasks();
    assertThat(renewFailures()).isEqualTo(2);
    advanceTo(9 * SECOND);
    held.renewDue(ticker.nanoTime(), 0);
    channel.runPendingTasks();
    assertThat(renewFailures()).isEqualTo(2);
    assertThat(dataplane.installed()).containsKey(VIP);
  }

  private void advanceTo(long nanos) {
    ticker.advance(start + nanos - ticker.nanoTime(), TimeUnit.NANOSECONDS);
    channel.runPendingTasks();
    channel.runScheduledPendingTasks();
    channel.runPendingTasks();
  }

  private long installs() {
    return dataplane.calls().stream().filter(c -> c instanceof FakeDataplane.Call.Install).count();
  }

  private double renewFailures() {
    return Arrays.stream(metrics.scrape().split("\n"))
        .filter(l -> l.startsWith("relais_vip_operation_failures_total{"))
        .filter(l -> l.contains("operation=\"renew\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
