package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.dataplane.FakeDataplane;
import dev.relais.agent.dataplane.VirtualIp;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a runtime reports and decides about itself: readiness, takeovers, second owners, leftovers.
 */
class ClusterRuntimeReportTest {
  private static final VirtualIp GW = RuntimeLab.vip("192.0.2.10", 24);
  private static final VirtualIp DNS = RuntimeLab.vip("192.0.2.53", 24);

  private final RuntimeLab lab = new RuntimeLab();

  @AfterEach
  void stop() {
    lab.close();
  }

  @Test
  void readyOnlyOnceSettledWithAnOwnerForEveryGroup() throws IOException {
    var a = lab.add("a", RuntimeLab.config());
    assertThat(a.runtime.ready()).as("before start").isFalse();
    a.runtime.start(false);
    lab.settle();
    lab.run(Duration.ofSeconds(2));
    assertThat(a.runtime.ready()).as("alone, still waiting out initDead").isFalse();

    lab.run(Duration.ofSeconds(9));
    assertThat(a.runtime.ready()).as("initDead over, holds every group").isTrue();
    assertThat(lab.holders("192.0.2.10")).containsExactly("a");
  }

  @Test
  void aTakeoverIsReportedWithItsOriginAndTheTimeSinceTheOldOwnerWasLastHeard() throws IOException {
    var a = lab.add("a", RuntimeLab.config());
    var b = lab.add("b", RuntimeLab.config());
    lab.startAll();
    lab.run(Duration.ofSeconds(3));
    assertThat(b.runtime.ready()).isTrue();
    int reportsBefore = b.reports;

    a.cut = true;
    lab.run(Duration.ofSeconds(7));

    var report = b.runtime.report().orElseThrow();
    var takeover = report.lastTakeover().orElseThrow();
    assertThat(takeover.from()).isEqualTo("a");
    assertThat(takeover.reason()).isEqualTo("OwnerDead");
    // Silent for deadTime (5 s) before the decision; the announcement follows at once here.
    assertThat(takeover.duration().orElseThrow())
        .isBetween(Duration.ofSeconds(5), Duration.ofSeconds(6));
    assertThat(report.peerSince()).containsKey("a");
    assertThat(b.reports).isGreaterThan(reportsBefore);
    assertThat(lab.holders("192.0.2.10")).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void anIdleClusterPublishesNoNewReport() throws IOException {
    var a = lab.add("a", RuntimeLab.config());
    lab.add("b", RuntimeLab.config());
    lab.startAll();
    lab.run(Duration.ofSeconds(3));
    int before = a.reports;

    lab.run(Duration.ofSeconds(60));

    assertThat(a.reports).as("reports in an idle minute").isEqualTo(before);
  }

  @Test
  void aSecondOwnerAnsweringForAHeldVipIsFoundCountedAndReported() throws IOException {
    var a = lab.add("a", RuntimeLab.config());
    lab.add("b", RuntimeLab.config());
    a.dataplane.otherOwner(GW, "02:aa:bb:cc:dd:ee");
    lab.startAll();
    lab.run(Duration.ofSeconds(3));

    var finding = a.runtime.report().orElseThrow().duplicateOwner().orElseThrow();
    assertThat(finding.group()).isEqualTo("gw");
    assertThat(finding.address()).isEqualTo("192.0.2.10");
    assertThat(finding.macs()).contains("02:aa:bb:cc:dd:ee");
    assertThat(a.scrapeCounter("relais_duplicate_owner_detected_total")).isPositive();
  }

  @Test
  void aNonOwnerSeesTwoMacsAnsweringAsASplitBrainAtItsNextRound() throws IOException {
    lab.add("a", RuntimeLab.config());
    var b = lab.add("b", RuntimeLab.config());
    b.dataplane.otherOwner(GW, "02:00:00:00:00:0a").otherOwner(GW, "02:00:00:00:00:0c");
    lab.startAll();
    lab.run(Duration.ofSeconds(3));
    assertThat(b.runtime.report().orElseThrow().duplicateOwner()).isEmpty();

    lab.run(OwnerWatch.EVERY);

    assertThat(b.runtime.report().orElseThrow().duplicateOwner()).isPresent();
    assertThat(
            b.dataplane.calls().stream()
                .filter(c -> c instanceof FakeDataplane.Call.ProbeOwners p && p.vip().equals(DNS))
                .count())
        .as("every owned group is probed")
        .isPositive();
  }

  @Test
  void staleCleanupSparesWhatAnotherClusterOfThisAgentHolds() throws IOException {
    var a = lab.add("a", RuntimeLab.config());
    a.heldByOthers.add(GW);
    a.dataplane.leftOver(GW).leftOver(DNS);
    a.runtime.start(false);
    lab.settle();

    var cleanup =
        a.dataplane.calls().stream()
            .filter(c -> c instanceof FakeDataplane.Call.RemoveStale)
            .map(c -> ((FakeDataplane.Call.RemoveStale) c).mustNotHold())
            .findFirst()
            .orElseThrow();
    assertThat(cleanup).containsExactly(DNS);
  }

  @Test
  void anExceptionOnTheLoopMarksTheRuntimeFailedSoLivenessFails() throws IOException {
    var a = lab.add("a", RuntimeLab.config());
    lab.startAll();
    // A datagram the codec cannot even hand on is rejected, never thrown: the runtime stays well.
    a.runtime.onDatagram(new byte[3], 3);
    assertThat(a.runtime.failure()).isEmpty();

    a.runtime.reconfigure(RuntimeLab.config(2, y -> y), brokenPaths());
    lab.run(Duration.ofSeconds(1));

    assertThat(a.runtime.failure()).isPresent();
    assertThat(a.runtime.ready()).isFalse();
  }

  /** Paths whose send throws: stands in for any bug reached from the loop. */
  private static PathSender brokenPaths() {
    return new PathSender() {
      @Override
      public void send(int path, byte[] data, int length) {
        throw new IllegalStateException("broken");
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void theRuntimesGroupsAreProbedWhileHeld() throws IOException {
    var a = lab.add("a", RuntimeLab.config());
    lab.add("b", RuntimeLab.config());
    lab.startAll();
    lab.run(Duration.ofSeconds(3));
    long first = probes(a, GW);

    lab.run(OwnerWatch.EVERY.plusSeconds(1));

    assertThat(first).as("probed on becoming owner").isEqualTo(1);
    assertThat(probes(a, GW)).as("and again while holding").isEqualTo(2);
  }

  private static long probes(RuntimeLab.Node n, VirtualIp vip) {
    return n.dataplane.calls().stream()
        .filter(c -> c instanceof FakeDataplane.Call.ProbeOwners p && p.vip().equals(vip))
        .count();
  }

  @Test
  void aDampedFailbackIsReportedWithUntilWhenAndCounted() throws IOException {
    var damped =
        RuntimeLab.config(
            1,
            y ->
                y.replace(
                    "failback: {policy: Auto}",
                    "failback: {policy: Auto, damping: {moves: 2, windowMs: 60000}}"));
    var a = lab.add("a", damped);
    var b = lab.add("b", damped);
    lab.startAll();
    lab.run(Duration.ofSeconds(3));
    for (int loss = 1; loss <= 2; loss++) {
      a.cut = true;
      lab.run(Duration.ofSeconds(7));
      a.cut = false;
      lab.run(Duration.ofSeconds(3));
    }

    assertThat(lab.holders("192.0.2.10")).as("second failback held").containsExactly("b");
    var hold = b.runtime.report().orElseThrow().damping().orElseThrow();
    assertThat(hold.ownerChanges()).isEqualTo(2);
    assertThat(hold.reason()).contains("to a");
    // Held until a minute after a's first loss (virtual time starts at the epoch here).
    assertThat(hold.until())
        .isBetween(
            java.time.Instant.EPOCH.plusSeconds(60), java.time.Instant.EPOCH.plusSeconds(75));
    assertThat(b.scrapeCounter("relais_failback_damped{")).isEqualTo(2);

    lab.run(Duration.ofSeconds(60));
    assertThat(lab.holders("192.0.2.10")).as("released at until").containsExactly("a");
    assertThat(b.runtime.report().orElseThrow().damping()).isEmpty();
  }

  @Test
  void theReportListsEveryPeer() throws IOException {
    var a = lab.add("a", RuntimeLab.config());
    lab.add("b", RuntimeLab.config());
    lab.startAll();
    lab.run(Duration.ofSeconds(3));
    assertThat(a.runtime.report().orElseThrow().state().peers())
        .extracting(p -> p.name())
        .isEqualTo(List.of("b"));
  }
}
