package dev.relais.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.cli.HaCf.AutoFailback;
import dev.relais.cli.HaCf.Medium;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HaCfParserTest {
  @ParameterizedTest
  @CsvSource({
    "2, 2000000000",
    "1.5, 1500000000",
    "0.25, 250000000",
    ".5, 500000000",
    "500ms, 500000000",
    "500msec, 500000000",
    "1500us, 1500000",
    "20usec, 20000"
  })
  void timesAreSecondsByDefaultWithMsAndUsSuffixes(String text, long nanos) {
    assertThat(HeartbeatValues.parseTime(text)).contains(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2s", "2sec", "1m", "-1", "", "ms", "1.2.3", "2 "})
  void otherUnitsAreRejectedAsHeartbeatDoes(String text) {
    assertThat(HeartbeatValues.parseTime(text)).isEmpty();
  }

  @Test
  void aSpaceBeforeTheUnitMakesTwoValuesAndIsAnErrorWithItsLine() {
    HaCf cf = HaCfParser.parse("node a b\nkeepalive 500 ms\n");
    assertThat(cf.keepalive()).isEmpty();
    assertThat(cf.diagnostics())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.isError()).isTrue();
              assertThat(d.line()).isEqualTo(2);
              assertThat(d.toString()).startsWith("ha.cf:2: error: keepalive takes one time value");
            });
  }

  @Test
  void subMillisecondTimesAreRoundedUpWithAWarning() {
    HaCf cf = HaCfParser.parse("keepalive 1500us\n");
    assertThat(cf.keepalive()).contains(new Located<>(Duration.ofMillis(2), 1));
    assertThat(cf.diagnostics().getFirst().severity()).isEqualTo(Diagnostic.Severity.WARNING);
  }

  @Test
  void anUnknownDirectiveIsAnErrorNamingFileAndLine() {
    HaCf cf = HaCfParser.parse("# comment\n\nkeepalive 2\nheartbeat_speed 9\n");
    assertThat(cf.diagnostics())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "ha.cf:4: error: unknown directive 'heartbeat_speed' (heartbeat 3 would not start)");
  }

  @Test
  void commentsStartAnywhereAndCommasSeparateValues() {
    HaCf cf = HaCfParser.parse("node Maitre,esclave # the two routers\nbcast eth0#x\n");
    assertThat(cf.nodes()).extracting(Located::value).containsExactly("maitre", "esclave");
    assertThat(cf.media()).containsExactly(new Medium.Bcast("eth0", 694, 2));
  }

  @Test
  void eachMediumKeepsTheUdpportInEffectOnItsLine() {
    HaCf cf =
        HaCfParser.parse(
            "bcast eth0\nudpport 700\nucast eth1 10.0.0.2\nmcast eth2 239.1.1.1 800 3 0\n");
    assertThat(cf.media())
        .containsExactly(
            new Medium.Bcast("eth0", 694, 1),
            new Medium.Ucast(
                "eth1", dev.relais.model.Addresses.parse("10.0.0.2").orElseThrow(), 700, 3),
            new Medium.Mcast(
                "eth2", dev.relais.model.Addresses.parse("239.1.1.1").orElseThrow(), 800, 3, 4));
    assertThat(cf.diagnostics())
        .singleElement()
        .satisfies(d -> assertThat(d.toString()).startsWith("ha.cf:2: warning: udpport after"));
  }

  @Test
  void badMediaAreErrorsWithTheirLine() {
    HaCf cf =
        HaCfParser.parse(
            "mcast eth0 10.0.0.1 694 1 0\nmcast eth0 225.0.0.1 694 0 0\nucast eth0 peer-b\n"
                + "ucast eth0\nbcast eth0/1\n");
    assertThat(cf.media()).isEmpty();
    assertThat(cf.diagnostics())
        .extracting(d -> d.line() + " " + d.message())
        .containsExactly(
            "1 mcast group '10.0.0.1' is not an IPv4 multicast address (224.0.0.0/4)",
            "2 mcast ttl '0' is not 1-255",
            "3 ucast peer 'peer-b' is not an IP address",
            "4 ucast takes 2 values: interface and peer address (one peer per line)",
            "5 'eth0/1' is not an interface name (1-15 characters, no '/' or ':')");
  }

  @ParameterizedTest
  @CsvSource({"on, ON", "Yes, ON", "1, ON", "off, OFF", "n, OFF", "false, OFF", "legacy, LEGACY"})
  void autoFailbackTakesBooleansOrLegacy(String value, AutoFailback expected) {
    assertThat(HaCfParser.parse("auto_failback " + value).autoFailback().map(Located::value))
        .contains(expected);
  }

  @Test
  void niceFailbackOnMeansAutoFailbackOff() {
    assertThat(HaCfParser.parse("nice_failback on").autoFailback().map(Located::value))
        .contains(AutoFailback.OFF);
  }

  @Test
  void unmappableDirectivesAreWarningsAndLoggingOnesNotes() {
    HaCf cf =
        HaCfParser.parse(
            "serial /dev/ttyS0\nstonith_host * baytech 10.0.0.3 login pw\ncrm on\n"
                + "respawn root /usr/local/bin/x\nlogfile /var/log/ha-log\ncrm off\n");
    assertThat(cf.diagnostics())
        .extracting(d -> d.line() + " " + d.severity())
        .containsExactly("1 WARNING", "2 WARNING", "3 WARNING", "4 WARNING", "5 NOTE", "6 NOTE");
  }

  @Test
  void pingAndPingGroupNeedAddresses() {
    HaCf cf =
        HaCfParser.parse(
            "ping 10.0.0.254 10.0.0.253\nping_group up 10.1.0.1 10.1.0.2\n"
                + "ping gateway.example\n");
    assertThat(cf.pingTargets()).extracting(Located::line).containsExactly(1, 1);
    assertThat(cf.pingGroups())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.name()).isEqualTo("up");
              assertThat(g.targets()).hasSize(2);
            });
    assertThat(cf.diagnostics()).singleElement().satisfies(d -> assertThat(d.line()).isEqualTo(3));
  }

  @Test
  void theClusterDirectiveNamesTheCluster() {
    assertThat(HaCfParser.parse("cluster Edge-1\n").clusterName())
        .isEqualTo(Optional.of(new Located<>("edge-1", 1)));
  }

  @Test
  void aSeventeenthNodeStopsTheParseThere() {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 1000; i++) text.append("node n").append(i).append('\n');
    HaCf cf = HaCfParser.parse(text.toString());
    assertThat(cf.nodes()).hasSize(16);
    assertThat(cf.diagnostics())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "ha.cf:17: error: node n17: a RouterCluster has at most 16 nodes; the rest of ha.cf is"
                + " not read");
  }

  @Test
  void moreUcastPeersThanSixteenNodesCanHoldStopTheParse() {
    StringBuilder text = new StringBuilder("node a b\n");
    for (int i = 1; i <= 1000; i++)
      text.append("ucast eth0 10.0.").append(i / 250).append('.').append(i % 250).append('\n');
    HaCf cf = HaCfParser.parse(text.toString());
    assertThat(cf.media()).hasSize(65);
    assertThat(cf.diagnostics())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "ha.cf:66: error: ucast peer 65: a RouterCluster has at most 16 nodes of 4 addresses"
                + " each; the rest of ha.cf is not read");
  }

  @Test
  void ucastPeersBehindAnotherTransportAreNotCounted() {
    StringBuilder text = new StringBuilder("node a b\nbcast eth1\n");
    for (int i = 1; i <= 100; i++) text.append("ucast eth0 10.0.0.").append(i).append('\n');
    assertThat(HaCfParser.parse(text.toString()).diagnostics()).noneMatch(Diagnostic::isError);
  }
}
