package dev.relais.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.agent.protocol.HeartbeatCodec;
import org.junit.jupiter.api.Test;

/** When a path's interface is too small for the cluster's largest heartbeat. */
class PathMtuTest {
  private static final int LARGEST = HeartbeatCodec.worstCaseBytes(16, 32); // 1,193

  @Test
  void anIpv4PathNeedsTheHeartbeatAnd28BytesAndAnIpv6Path48() {
    assertThat(PathMtu.check(new PathMtu.Path(0, "eth0", LARGEST + 28, false), LARGEST)).isEmpty();
    assertThat(PathMtu.check(new PathMtu.Path(0, "eth0", LARGEST + 27, false), LARGEST))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .isEqualTo(
                        "path 0: interface eth0 has MTU 1220, less than the 1221 bytes the largest"
                            + " heartbeat of this config takes (1193 bytes and 28 of IP and UDP"
                            + " headers): such heartbeats go out fragmented, and are lost where"
                            + " fragments are dropped; raise the MTU or use fewer nodes or VIP"
                            + " groups"));
    assertThat(PathMtu.check(new PathMtu.Path(1, "eth1", LARGEST + 47, true), LARGEST))
        .hasValueSatisfying(m -> assertThat(m).startsWith("path 1: interface eth1 has MTU 1240"));
    assertThat(PathMtu.check(new PathMtu.Path(1, "eth1", LARGEST + 48, true), LARGEST)).isEmpty();
  }

  @Test
  void everyLinkThatCarriesIpv6CarriesTheLargestHeartbeat() {
    // IPv6's minimum MTU (RFC 8200 §5) is what the size budget was cut to.
    assertThat(PathMtu.neededBytes(HeartbeatCodec.MAX_DATAGRAM_BYTES, true)).isEqualTo(1280);
  }

  @Test
  void anUnknownMtuIsNotWarnedAbout() {
    assertThat(PathMtu.check(new PathMtu.Path(0, "tun0", -1, false), LARGEST)).isEmpty();
  }

  @Test
  void aUnicastPathIsTheInterfaceHoldingItsAddressAndAnAbsentAddressHasNone() {
    var model = RuntimeLab.config(1, y -> y.replace("10.0.0.1", "127.0.0.1")).model();
    assertThat(PathMtu.paths(model, "a"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.interfaceName()).isEqualTo("lo");
              assertThat(p.ipv6()).isFalse();
              assertThat(PathMtu.check(p, LARGEST)).isEmpty();
            });
    // b's 10.0.0.2 is on no interface of this host: nothing to measure, nothing said.
    assertThat(PathMtu.paths(model, "b")).isEmpty();
  }
}
