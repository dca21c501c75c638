package dev.relais.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.kube.ServedClusters.Seen;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What Kubernetes mode serves, and when it stops: the rules without an API server. */
class ServedClustersTest {
  static final Duration GRACE = Duration.ofHours(24);
  static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  static final String SECRET = "relais-loop-89d246536764";

  final ServedClusters served = new ServedClusters("maitre", "ns");

  static String document(int generation, String nodes) {
    var s = MockKube.rendered(KubernetesModeIT.MANIFESTS.formatted(generation, 50, 20694));
    String doc = MockKube.document(s);
    return nodes.equals("both") ? doc : doc.replace("\"maitre\"", "\"tiers\"");
  }

  static RenderedSecret secret(String document, String revision, boolean retired) {
    return new RenderedSecret(SECRET, "edge/loop", revision, retired, Optional.of(document));
  }

  @Test
  void aGoodDocumentIsOfferedThenRunsOnceApplied() {
    assertThat(served.seen(secret(document(1, "both"), "r1", false))).isEqualTo(Seen.OFFERED);
    assertThat(served.wanted()).hasSize(1);
    assertThat(served.running()).isEmpty();

    assertThat(served.applied()).hasSize(1);

    assertThat(served.running()).hasSize(1);
    assertThat(served.status().get("edge/loop"))
        .isEqualTo(new ServedClusters.ConfigStatus("r1", Optional.empty()));
    assertThat(served.seen(secret(document(1, "both"), "r1", false))).isEqualTo(Seen.UNCHANGED);
  }

  @Test
  void theSameDocumentUnderANewRevisionIsReportedAtThatRevisionWithoutAnApply() {
    served.seen(secret(document(1, "both"), "r1", false));
    served.applied();

    // The operator re-rendered a Secret deleted by hand: same document, new salt, new revision.
    assertThat(served.seen(secret(document(1, "both"), "r2", false))).isEqualTo(Seen.UNCHANGED);

    assertThat(served.status().get("edge/loop"))
        .isEqualTo(new ServedClusters.ConfigStatus("r2", Optional.empty()));
  }

  @Test
  void aRefusedDocumentLeavesTheRunningOneAndIsReported() {
    served.seen(secret(document(1, "both"), "r1", false));
    served.applied();

    String v2 = document(2, "both").replace("relais.dev/v1alpha1", "relais.dev/v2");
    assertThat(served.seen(secret(v2, "r2", false))).isEqualTo(Seen.REFUSED);

    assertThat(served.wanted()).extracting(ServedClusters.Version::revision).containsExactly("r1");
    var status = served.status().get("edge/loop");
    assertThat(status.revision()).isEqualTo("r1");
    assertThat(status.error()).hasValueSatisfying(e -> assertThat(e).contains("relais.dev/v2"));
    assertThat(served.seen(secret(v2, "r2", false)))
        .as("not tried again until it changes")
        .isEqualTo(Seen.UNCHANGED);
  }

  @Test
  void aVanishedSecretIsServedUntilTheGracePeriodEnds() {
    served.seen(secret(document(1, "both"), "r1", false));
    served.applied();

    served.vanished(SECRET, T0);

    assertThat(served.expire(T0.plus(GRACE).minusSeconds(1), GRACE)).isEmpty();
    assertThat(served.wanted()).hasSize(1);
    assertThat(served.nextExpiry(GRACE)).contains(T0.plus(GRACE));
    assertThat(served.expire(T0.plus(GRACE), GRACE)).containsExactly(SECRET);
    assertThat(served.wanted()).isEmpty();
  }

  @Test
  void aSecretThatReturnsWithinTheGracePeriodIsNoLongerWaitingToExpire() {
    served.seen(secret(document(1, "both"), "r1", false));
    served.applied();
    served.vanished(SECRET, T0);

    served.seen(secret(document(1, "both"), "r1", false));

    assertThat(served.nextExpiry(GRACE)).isEmpty();
    assertThat(served.expire(T0.plus(GRACE.multipliedBy(2)), GRACE)).isEmpty();
  }

  @Test
  void theTombstoneAndADocumentWithoutThisNodeStopItAtOnce() {
    served.seen(secret(document(1, "both"), "r1", false));
    served.applied();
    assertThat(served.seen(secret(document(1, "both"), "r1", true))).isEqualTo(Seen.RETIRED);
    assertThat(served.wanted()).isEmpty();

    served.seen(secret(document(1, "both"), "r1", false));
    served.applied();
    assertThat(served.seen(secret(document(2, "without maitre"), "r2", false)))
        .isEqualTo(Seen.RETIRED);
    assertThat(served.wanted()).isEmpty();
  }

  @Test
  void aSavedConfigIsServedUntilTheApiSpeaksAndAFailedApplyIsRefused() {
    var saved = new PersistedConfigsTestSupport().version(document(1, "both"), "r1");
    served.restore(saved);
    assertThat(served.unconfirmed()).containsExactly(SECRET);
    assertThat(served.wanted()).containsExactly(saved);

    served.failed("bind: address in use");

    assertThat(served.wanted()).isEmpty();
    assertThat(served.status().get("edge/loop").error())
        .contains("cannot be applied: bind: address in use");
    assertThat(List.copyOf(served.unconfirmed())).containsExactly(SECRET);
  }

  /** A Version as PersistedConfigs reads one back. */
  static final class PersistedConfigsTestSupport {
    ServedClusters.Version version(String document, String revision) {
      var ok =
          (dev.relais.render.AgentConfigs.Result.Ok)
              dev.relais.render.AgentConfigs.read(document, "ns");
      return new ServedClusters.Version(SECRET, document, revision, ok.clusters().getFirst());
    }
  }
}
