package dev.relais.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.api.v1alpha1.FailbackPolicy;
import dev.relais.api.v1alpha1.Transport;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterImporterTest {
  private static final String AUTH = "auth 1\n1 sha1 0123456789abcdef-key\n";
  private static final String HARESOURCES = "maitre IPaddr::192.168.200.10/24/enp0s3\n";
  private static final String TWO_NODES = "node maitre esclave\n";

  private static ImportResult run(String haCf, String authkeys, String haresources) {
    return run(haCf, authkeys, haresources, ImportOptions.defaults(), Fixtures.NO_NAMES);
  }

  private static ImportResult run(
      String haCf, String authkeys, String haresources, ImportOptions o, NameResolver r) {
    return ClusterImporter.importConfig(
        HeartbeatSources.of(haCf, authkeys, haresources), o, r, Fixtures.seeded());
  }

  private static ImportOptions strict() {
    return new ImportOptions(Optional.empty(), Optional.empty(), Map.of(), true, false);
  }

  private static ImportOptions nodeAddresses(Map<String, String> addresses) {
    return new ImportOptions(Optional.empty(), Optional.empty(), addresses, false, false);
  }

  private static String messages(ImportResult r) {
    return String.join("\n", r.diagnostics().stream().map(Diagnostic::toString).toList());
  }

  @Test
  void absentTimersGetHeartbeatsDefaultsWrittenOut() {
    var r =
        (ImportResult.Imported)
            run(TWO_NODES + "bcast eth0\nauto_failback on\n", AUTH, HARESOURCES);
    var hb = r.cluster().getSpec().heartbeat;
    assertThat(hb.keepaliveMs).isEqualTo(1000);
    assertThat(hb.deadTimeMs).isEqualTo(30000);
    assertThat(hb.warnTimeMs).isEqualTo(15000);
    assertThat(hb.initDeadMs).isEqualTo(30000);
    assertThat(hb.port).isEqualTo(694);
  }

  @Test
  void heartbeatsInitdeadDefaultFollowsDeadtime() {
    assertThat(ClusterImporter.defaultInitdead(java.time.Duration.ofSeconds(5))).hasSeconds(12);
    assertThat(ClusterImporter.defaultInitdead(java.time.Duration.ofSeconds(8))).hasSeconds(16);
    assertThat(ClusterImporter.defaultInitdead(java.time.Duration.ofSeconds(11))).hasSeconds(11);
  }

  @Test
  void legacyFailbackIsAutoWithAWarningThatExplainsTheDifference() {
    var r =
        (ImportResult.Imported)
            run(TWO_NODES + "bcast eth0\nauto_failback legacy\n", AUTH, HARESOURCES);
    assertThat(r.cluster().getSpec().failback.policy).isEqualTo(FailbackPolicy.Auto);
    assertThat(messages(r))
        .contains("ha.cf:3: warning: auto_failback legacy is imported as Auto")
        .contains("ip-request")
        .contains("hb_standby");
  }

  @Test
  void aMissingAutoFailbackIsHeartbeatsLegacyDefault() {
    var r = run(TWO_NODES + "bcast eth0\n", AUTH, HARESOURCES);
    assertThat(messages(r))
        .contains("ha.cf:2: warning: no auto_failback line (heartbeat's default is legacy)");
  }

  @Test
  void strictTurnsWarningsIntoErrorsAndPrintsNothing() {
    var r =
        run(
            TWO_NODES + "bcast eth0\nserial /dev/ttyS0\nauto_failback off\n",
            AUTH,
            HARESOURCES,
            strict(),
            Fixtures.NO_NAMES);
    assertThat(r).isInstanceOf(ImportResult.Failed.class);
    assertThat(messages(r)).contains("ha.cf:3: error: serial is not mapped");
    var relaxed =
        run(TWO_NODES + "bcast eth0\nserial /dev/ttyS0\nauto_failback off\n", AUTH, HARESOURCES);
    assertThat(relaxed).isInstanceOf(ImportResult.Imported.class);
    assertThat(messages(relaxed)).contains("ha.cf:3: warning: serial is not mapped");
  }

  @Test
  void aShortKeyIsAnErrorNamingFileAndLineUnlessAKeyIsGenerated() {
    String ha = TWO_NODES + "bcast eth0\nauto_failback on\n";
    String shortKey = "auth 1\n1 sha1 secret\n";
    var r = run(ha, shortKey, HARESOURCES);
    assertThat(r).isInstanceOf(ImportResult.Failed.class);
    assertThat(messages(r))
        .contains(
            "authkeys:2: error: key 1 has 6 bytes; Relais signs with HMAC-SHA256 and needs at"
                + " least 16")
        .contains("--generate-key");

    var generated =
        (ImportResult.Imported)
            run(
                ha,
                shortKey,
                HARESOURCES,
                new ImportOptions(Optional.empty(), Optional.empty(), Map.of(), false, true),
                Fixtures.NO_NAMES);
    assertThat(generated.secret().getStringData().get("1")).matches("[0-9a-f]{64}");
    assertThat(messages(generated))
        .contains("authkeys:2: warning: key 1 has 6 bytes, too short for HMAC-SHA256: replaced")
        .contains("every node must receive the new Secret");
  }

  @Test
  void ucastPeersMapToNodesByResolvedNamesOrByOption() {
    String ha = "node maitre esclave\nucast eth0 10.0.0.1\nucast eth0 10.0.0.2\nauto_failback on\n";
    var resolved =
        (ImportResult.Imported)
            run(
                ha,
                AUTH,
                HARESOURCES,
                ImportOptions.defaults(),
                Fixtures.resolver(Map.of("maitre", "10.0.0.1", "esclave", "10.0.0.2")));
    assertThat(resolved.cluster().getSpec().heartbeat.transport).isEqualTo(Transport.Unicast);
    assertThat(resolved.cluster().getSpec().nodes)
        .extracting(n -> n.name + "=" + n.addresses)
        .containsExactly("maitre=[10.0.0.1]", "esclave=[10.0.0.2]");

    var byOption =
        (ImportResult.Imported)
            run(
                ha,
                AUTH,
                HARESOURCES,
                nodeAddresses(Map.of("maitre", "10.0.0.1", "Esclave", "10.0.0.2")),
                Fixtures.NO_NAMES);
    assertThat(byOption.cluster().getSpec().nodes)
        .extracting(n -> n.name + "=" + n.addresses)
        .containsExactly("maitre=[10.0.0.1]", "esclave=[10.0.0.2]");
  }

  @Test
  void anUnmappedUcastPeerIsAnErrorThatNamesTheOption() {
    String ha = "node maitre esclave\nucast eth0 10.0.0.2\nauto_failback on\n";
    var r =
        run(ha, AUTH, HARESOURCES, nodeAddresses(Map.of("maitre", "10.0.0.1")), Fixtures.NO_NAMES);
    assertThat(messages(r))
        .contains(
            "ha.cf:2: error: ucast peer 10.0.0.2 belongs to no node (no node name resolves to"
                + " it): add --node-address NAME=10.0.0.2")
        .contains("ha.cf:1: error: node esclave has no heartbeat address");
  }

  @Test
  void aNodeNamedByNoUcastLineTakesItsResolvedAddressWithAWarning() {
    String ha = "node maitre esclave\nucast eth0 10.0.0.2\nauto_failback on\n";
    var r =
        (ImportResult.Imported)
            run(
                ha,
                AUTH,
                HARESOURCES,
                ImportOptions.defaults(),
                Fixtures.resolver(Map.of("maitre", "10.0.0.1", "esclave", "10.0.0.2")));
    assertThat(r.cluster().getSpec().nodes.getFirst().addresses).containsExactly("10.0.0.1");
    assertThat(messages(r)).contains("ha.cf:1: warning: node maitre: no ucast line names it");
  }

  @Test
  void aNodeAddressForAnUnknownNodeIsAnError() {
    var r =
        run(
            TWO_NODES + "bcast eth0\nauto_failback on\n",
            AUTH,
            HARESOURCES,
            nodeAddresses(Map.of("maitree", "10.0.0.1")),
            Fixtures.NO_NAMES);
    assertThat(messages(r))
        .contains("--node-address maitree=10.0.0.1: error: ha.cf has no node named maitree");
  }

  @Test
  void mcastBecomesTheMulticastTransport() {
    var r =
        (ImportResult.Imported)
            run(
                TWO_NODES
                    + "mcast eth0 225.0.0.1 694 2 0\nmcast eth1 225.0.0.1 694 2 0\nauto_failback on\n",
                AUTH,
                HARESOURCES);
    var hb = r.cluster().getSpec().heartbeat;
    assertThat(hb.transport).isEqualTo(Transport.Multicast);
    assertThat(hb.interfaces).containsExactly("eth0", "eth1");
    assertThat(hb.multicastGroup).isEqualTo("225.0.0.1");
    assertThat(hb.multicastTtl).isEqualTo(2);
  }

  @Test
  void mediaOnDifferentPortsAreAnError() {
    var r =
        run(
            TWO_NODES + "bcast eth0\nudpport 700\nbcast eth1\nauto_failback on\n",
            AUTH,
            HARESOURCES);
    assertThat(messages(r)).contains("ha.cf:4: error: bcast uses port 700 but line 2 uses 694");
  }

  @Test
  void pingWithoutIpfailWarnsThatRelaisActsOnIt() {
    var r = run(TWO_NODES + "bcast eth0\nauto_failback on\nping 10.0.0.254\n", AUTH, HARESOURCES);
    assertThat(messages(r)).contains("ha.cf:4: warning: ping without ipfail");
  }

  @Test
  void badTimersAreErrorsAtTheirLine() {
    var r =
        run(
            TWO_NODES + "bcast eth0\nauto_failback on\nkeepalive 2\ndeadtime 4\ninitdead 3\n",
            AUTH,
            HARESOURCES);
    assertThat(messages(r))
        .contains("ha.cf:5: error: deadtime 4000 ms must be more than twice keepalive 2000 ms")
        .contains("ha.cf:6: error: initdead 3000 ms must be at least deadtime 4000 ms");
  }

  @Test
  void haresourcesProblemsNameTheirLine() {
    var r =
        run(
            TWO_NODES + "bcast eth0\nauto_failback on\n",
            AUTH,
            "maitre IPaddr::10.0.0.10/24\nautre IPaddr2::10.0.0.11/24/eth0\nesclave IPaddr2::10.0.0.12/24/eth0/10.0.0.127\n");
    assertThat(messages(r))
        .contains("haresources:1: error: IPaddr::10.0.0.10/24: needs an interface")
        .contains("haresources:2: error: node autre is not listed in ha.cf's node lines")
        .contains(
            "haresources:3: warning: IPaddr2::10.0.0.12/24/eth0/10.0.0.127: broadcast 10.0.0.127 is not mapped");
  }

  @Test
  void twoLinesPreferringDifferentNodesAreAnActiveActivePair() {
    var r =
        (ImportResult.Imported)
            run(
                TWO_NODES + "bcast eth0\nauto_failback on\n",
                AUTH,
                "maitre 10.0.0.10/24/eth0\nesclave 10.0.0.11/24/eth0\n");
    assertThat(r.cluster().getSpec().vipGroups)
        .extracting(g -> g.preferredNode + " " + g.addresses.getFirst().label)
        .containsExactly("maitre eth0:0", "esclave eth0:1");
  }

  @Test
  void aMissingFileStopsTheImportAndSaysWhich() {
    var r =
        ClusterImporter.importConfig(
            new HeartbeatSources(
                Optional.of(TWO_NODES),
                Optional.empty(),
                Optional.of(HARESOURCES),
                java.util.List.of(Diagnostic.error("authkeys", 0, "not found in /x"))),
            ImportOptions.defaults(),
            Fixtures.NO_NAMES,
            Fixtures.seeded());
    assertThat(r).isInstanceOf(ImportResult.Failed.class);
    assertThat(messages(r)).isEqualTo("authkeys: error: not found in /x");
  }

  @Test
  void ipaddrAliasesAreNumberedPerInterfaceSkippingLabelsWrittenAnywhere() {
    var r =
        (ImportResult.Imported)
            run(
                TWO_NODES + "bcast eth0\nauto_failback on\n",
                AUTH,
                "maitre 10.0.0.10/24/eth0 IPaddr2::10.0.0.11/24/eth0:1 10.0.0.12/24/eth1"
                    + " 10.0.0.13/24/eth0\nesclave 10.0.0.20/24/eth0 IPaddr2::10.0.0.21/24/eth0:3\n");
    assertThat(r.cluster().getSpec().vipGroups)
        .flatExtracting(g -> g.addresses)
        .extracting(v -> v.address + " " + v.label)
        .containsExactly(
            "10.0.0.10/24 eth0:0",
            "10.0.0.11/24 eth0:1",
            "10.0.0.12/24 eth1:0",
            "10.0.0.13/24 eth0:2",
            "10.0.0.20/24 eth0:4",
            "10.0.0.21/24 eth0:3");
  }
}
