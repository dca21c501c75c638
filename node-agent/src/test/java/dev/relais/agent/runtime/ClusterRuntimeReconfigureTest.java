package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.dataplane.DataplaneError;
import dev.relais.agent.dataplane.FakeDataplane;
import dev.relais.agent.dataplane.Lifetime;
import dev.relais.agent.dataplane.VirtualIp;
import dev.relais.agent.protocol.GroupRole;
import dev.relais.render.AgentConfigs;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every kind of live config change, on two real runtimes in virtual time: the VIP ends where the
 * new config says, never on two nodes, never on none longer than a change requires, and the runtime
 * (boot epoch, sequence numbers) survives, so peers count no replay.
 */
class ClusterRuntimeReconfigureTest {
  private static final String GW = "192.0.2.10";
  private static final String DNS = "192.0.2.53";

  private RuntimeLab lab;
  private RuntimeLab.Node a;
  private RuntimeLab.Node b;

  @BeforeEach
  void start() throws IOException {
    lab = new RuntimeLab();
    a = lab.add("a", RuntimeLab.config());
    b = lab.add("b", RuntimeLab.config());
    lab.startAll();
    lab.run(Duration.ofSeconds(3));
    assertThat(lab.holders(GW)).containsExactly("a");
    assertThat(lab.holders(DNS)).containsExactly("a");
  }

  @AfterEach
  void stop() {
    lab.close();
  }

  /** Applies to both nodes, {@code first} then the other after {@code gap}, then runs on. */
  private void applyBoth(AgentConfigs.Loaded next, RuntimeLab.Node first, Duration gap)
      throws IOException {
    first.apply(next);
    lab.run(gap);
    (first == a ? b : a).apply(next);
    lab.run(Duration.ofSeconds(8));
  }

  private static AgentConfigs.Loaded withoutDns() {
    return RuntimeLab.config(
        2,
        y ->
            y.replace(
                "    - name: dns\n"
                    + "      preferredNode: a\n"
                    + "      addresses: [{address: 192.0.2.53/24, interface: lan0}]\n",
                ""));
  }

  private void assertNoReplayNorRejection() {
    for (var n : List.of(a, b)) {
      assertThat(n.scrapeCounter("relais_heartbeats_rejected_total")).as(n.name).isZero();
    }
  }

  private long installsOf(RuntimeLab.Node n, String address) {
    return n.dataplane.calls().stream()
        .filter(
            c ->
                c instanceof FakeDataplane.Call.Install i
                    && i.vip().address().getHostAddress().equals(address))
        .count();
  }

  @Test
  void aHeldGroupRemovedFromTheConfigLeavesTheInterfaceAndNobodyTakesIt() throws IOException {
    // The owner first: the worst order, its peer still runs a config with the group.
    applyBoth(withoutDns(), a, Duration.ofSeconds(2));

    assertThat(lab.holders(DNS)).isEmpty();
    assertThat(installsOf(b, DNS)).as("the peer never took the removed group").isZero();
    assertThat(lab.holders(GW)).containsExactly("a");
    assertNoReplayNorRejection();
  }

  @Test
  void aGroupDroppedByAnOwnerThePeerWouldReplaceIsNotTakenBeforeThePeersConfigArrives()
      throws IOException {
    // Without failback b keeps the groups it took while a was away; a, the better candidate,
    // would take any group b stops claiming.
    lab.close();
    lab = new RuntimeLab();
    var never = RuntimeLab.config(1, y -> y.replace("policy: Auto", "policy: Never"));
    a = lab.add("a", never);
    b = lab.add("b", never);
    lab.startAll();
    lab.run(Duration.ofSeconds(3));
    a.cut = true;
    lab.run(Duration.ofSeconds(7));
    a.cut = false;
    lab.run(Duration.ofSeconds(3));
    assertThat(lab.holders(DNS)).containsExactly("b");

    var dropped =
        RuntimeLab.config(
            2,
            y ->
                y.replace("policy: Auto", "policy: Never")
                    .replace(
                        "    - name: dns\n"
                            + "      preferredNode: a\n"
                            + "      addresses: [{address: 192.0.2.53/24, interface: lan0}]\n",
                        ""));
    long aInstallsBefore = installsOf(a, DNS);
    applyBoth(dropped, b, Duration.ofSeconds(3));

    assertThat(lab.holders(DNS)).isEmpty();
    assertThat(installsOf(a, DNS)).as("a never took the dropped group").isEqualTo(aInstallsBefore);
    assertThat(lab.holders(GW)).containsExactly("b");
  }

  @Test
  void aGroupRemovedThenRestoredReturnsToItsPreferredNode() throws IOException {
    applyBoth(withoutDns(), b, Duration.ofMillis(500));
    assertThat(lab.holders(DNS)).isEmpty();

    applyBoth(RuntimeLab.config(3, y -> y), b, Duration.ofMillis(500));
    assertThat(lab.holders(DNS)).containsExactly("a");
  }

  @Test
  void aHeldGroupsNewAddressIsAddedAndAnnouncedBeforeTheOldOneGoes() throws IOException {
    var moved = RuntimeLab.config(2, y -> y.replace("192.0.2.10/24", "192.0.2.11/24"));
    applyBoth(moved, a, Duration.ofMillis(300));

    assertThat(lab.holders("192.0.2.11")).containsExactly("a");
    assertThat(lab.holders(GW)).isEmpty();
    List<FakeDataplane.Call> calls = a.dataplane.calls();
    int added = indexOf(calls, "Install", "192.0.2.11");
    int announced = indexOf(calls, "Announce", "192.0.2.11");
    int removed = indexOf(calls, "Remove", GW);
    assertThat(added).isLessThan(announced);
    assertThat(announced).isLessThan(removed);
    assertThat(installsOf(b, "192.0.2.11")).isZero();
  }

  private static int indexOf(List<FakeDataplane.Call> calls, String kind, String address) {
    for (int i = 0; i < calls.size(); i++) {
      var c = calls.get(i);
      VirtualIp vip =
          switch (c) {
            case FakeDataplane.Call.Install x -> x.vip();
            case FakeDataplane.Call.Announce x -> x.vip();
            case FakeDataplane.Call.Remove x -> x.vip();
            default -> null;
          };
      if (vip != null
          && c.getClass().getSimpleName().equals(kind)
          && vip.address().getHostAddress().equals(address)) {
        return i;
      }
    }
    throw new AssertionError(kind + " " + address + " not in " + calls);
  }

  @Test
  void aNewGroupIsTakenByItsPreferredNode() throws IOException {
    var more =
        RuntimeLab.config(
            2,
            y ->
                y.replace(
                    "  authSecretRef:",
                    "    - name: ntp\n"
                        + "      preferredNode: b\n"
                        + "      addresses: [{address: 192.0.2.123/24, interface: lan0}]\n"
                        + "  authSecretRef:"));
    applyBoth(more, a, Duration.ofMillis(700));

    assertThat(lab.holders("192.0.2.123")).containsExactly("b");
    assertThat(lab.holders(GW)).containsExactly("a");
  }

  @Test
  void aSecondHeartbeatAddressKeepsTheRuntimeAndCountsNoReplay() throws IOException {
    var twoPaths =
        RuntimeLab.config(
            2,
            y ->
                y.replace("[\"10.0.0.1\"]", "[\"10.0.0.1\", \"10.0.1.1\"]")
                    .replace("[\"10.0.0.2\"]", "[\"10.0.0.2\", \"10.0.1.2\"]"));
    applyBoth(twoPaths, a, Duration.ofSeconds(2));

    assertThat(lab.holders(GW)).containsExactly("a");
    assertThat(installsOf(b, GW)).isZero();
    assertNoReplayNorRejection();
    // The old paths were closed a deadTime after the new ones took over.
    assertThat(a.opened).hasSize(1);
    assertThat(b.opened).hasSize(1);
    assertThat(a.snapshot().peers())
        .singleElement()
        .satisfies(p -> assertThat(p.alive()).isTrue())
        .satisfies(
            p ->
                assertThat(p.pathsUp())
                    .as("heard on both paths; a sent %s, b sent %s", a.sentOnPath, b.sentOnPath)
                    .isEqualTo(2));
  }

  @Test
  void aNodeAddedAndRemovedChangesNoOwner() throws IOException {
    var three =
        RuntimeLab.config(
            2,
            y ->
                y.replace(
                    "  vipGroups:",
                    "    - {name: c, priority: 50, addresses: [\"10.0.0.3\"]}\n  vipGroups:"));
    applyBoth(three, a, Duration.ofSeconds(1));
    assertThat(lab.holders(GW)).containsExactly("a");
    assertThat(a.snapshot().peers()).hasSize(2);

    applyBoth(RuntimeLab.config(3, y -> y), b, Duration.ofSeconds(1));
    assertThat(lab.holders(GW)).containsExactly("a");
    assertThat(a.snapshot().peers()).hasSize(1);
    assertThat(installsOf(b, GW)).isZero();
    assertNoReplayNorRejection();
  }

  @Test
  void aKeyRotatedNodeByNodeLosesNoHeartbeat() throws IOException {
    var rotated = RuntimeLab.config(2, y -> y.replace("activeKeyId: \"1\"", "activeKeyId: \"2\""));
    applyBoth(rotated, a, Duration.ofSeconds(3));

    assertThat(lab.holders(GW)).containsExactly("a");
    assertNoReplayNorRejection();
  }

  @Test
  void standbyMovesTheGroupsAndClearingItBringsThemBack() throws IOException {
    var standby =
        RuntimeLab.config(2, y -> y.replace("  failback:", "  standby: [a]\n  failback:"));
    applyBoth(standby, a, Duration.ofMillis(200));
    assertThat(lab.holders(GW)).containsExactly("b");
    assertThat(lab.holders(DNS)).containsExactly("b");
    assertThat(a.role("gw")).isEqualTo(GroupRole.STANDBY);

    applyBoth(RuntimeLab.config(3, y -> y), a, Duration.ofMillis(200));
    assertThat(lab.holders(GW)).containsExactly("a");
    assertThat(lab.holders(DNS)).containsExactly("a");
  }

  @Test
  void aRequestedMoveMovesOnlyThatGroup() throws IOException {
    var requested =
        RuntimeLab.config(
            2,
            y ->
                y.replace(
                    "    - name: gw\n      preferredNode: a\n",
                    "    - name: gw\n      preferredNode: a\n      requestedNode: b\n"));
    applyBoth(requested, b, Duration.ofMillis(200));

    assertThat(lab.holders(GW)).containsExactly("b");
    assertThat(lab.holders(DNS)).containsExactly("a");
  }

  @Test
  void aQuickRevertLeavesTheFirstConfigInForce() throws IOException {
    a.runtime.reconfigure(withoutDns(), null);
    a.runtime.reconfigure(RuntimeLab.config(), null);
    lab.settle();
    lab.run(Duration.ofSeconds(6));

    assertThat(lab.holders(DNS)).containsExactly("a");
    assertThat(Agent.sameConfig(RuntimeLab.config(), RuntimeLab.config())).isTrue();
    assertThat(Agent.sameConfig(RuntimeLab.config(), withoutDns())).isFalse();
  }

  @Test
  void aKeyChangedInPlaceIsAChange() {
    var other = RuntimeLab.config(1, y -> y.replace(RuntimeLab.KEY_1, "lab-key-another-one-16b"));
    assertThat(Agent.sameConfig(RuntimeLab.config(), other)).isFalse();
  }

  @Test
  void aNewAddressLifetimeIsPutOnTheHeldAddresses() throws IOException {
    var longer =
        RuntimeLab.config(
            2, y -> y.replace("  failback:", "  addressLifetimeSeconds: 30\n  failback:"));
    a.apply(longer);
    lab.run(Duration.ofSeconds(1));

    assertThat(a.dataplane.installed())
        .allSatisfy(
            (vip, lifetime) ->
                assertThat(lifetime).isEqualTo(Lifetime.expiring(Duration.ofSeconds(30))));
  }

  @Test
  void pingGroupsAddedLiveAreProbedTheWayTheySayArpOrIcmp() throws IOException {
    var pinging =
        RuntimeLab.config(
            2,
            y ->
                y.replace(
                    "  failback:",
                    "  health:\n"
                        + "    pingGroups:\n"
                        + "      - {name: gw-arp, arpInterface: lan0, targets: [\"192.0.2.1\"]}\n"
                        + "      - {name: upstream, targets: [\"198.51.100.1\"]}\n"
                        + "  failback:"));
    a.apply(pinging);
    lab.run(Duration.ofSeconds(2));

    var probed =
        a.dataplane.calls().stream()
            .filter(c -> c instanceof FakeDataplane.Call.Ping)
            .map(c -> ((FakeDataplane.Call.Ping) c).group())
            .toList();
    assertThat(probed)
        .anySatisfy(
            g -> {
              assertThat(g.name()).isEqualTo("gw-arp");
              assertThat(g.arpDevice()).contains("lan0");
            })
        .anySatisfy(
            g -> {
              assertThat(g.name()).isEqualTo("upstream");
              assertThat(g.arpDevice()).isEmpty();
            });
  }

  @Test
  void aFailedRemovalIsCountedAndRetried() throws IOException {
    a.dataplane.failNext(new DataplaneError.KernelError("RTM_DELADDR", 16, "busy"));
    applyBoth(withoutDns(), b, Duration.ofMillis(200));

    assertThat(lab.holders(DNS)).isEmpty();
    assertThat(a.scrapeCounter("relais_vip_operation_failures_total")).isEqualTo(1);
  }

  @Test
  void anAddressRemovedBehindOurBackIsAddedAgain() {
    a.dataplane.removeBehindOurBack(RuntimeLab.vip(GW, 24));
    lab.settle();
    lab.run(Duration.ofMillis(100));

    assertThat(lab.holders(GW)).containsExactly("a");
  }
}
