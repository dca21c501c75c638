package dev.relais.agent.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DataplaneValuesTest {
  @Test
  void aVipParsesFromTheHeartbeatForm() {
    VirtualIp vip = VirtualIp.of("192.168.200.10/24", "enp0s3").withLabel("enp0s3:0");

    assertThat(vip.prefix()).isEqualTo(24);
    assertThat(vip.isIpv4()).isTrue();
    assertThat(vip).hasToString("192.168.200.10/24 dev enp0s3 label enp0s3:0");
  }

  @Test
  void aLabelMustStartWithTheDeviceAndFitIfnamsiz() {
    VirtualIp vip = VirtualIp.of("192.168.200.10/24", "enp0s3");

    assertThatThrownBy(() -> vip.withLabel("vip0"))
        .hasMessageContaining("must start with 'enp0s3'");
    assertThatThrownBy(() -> vip.withLabel("enp0s3:toolong99"))
        .hasMessageContaining("15 characters");
  }

  @Test
  void ipv6VipsHaveNoLabel() {
    assertThatThrownBy(() -> VirtualIp.of("fd00:c8::10/64", "enp0s3").withLabel("enp0s3:0"))
        .hasMessageContaining("IPv4 only");
  }

  @Test
  void prefixesAreBoundedByTheFamily() {
    assertThatThrownBy(() -> VirtualIp.of("192.168.200.10/33", "enp0s3"))
        .hasMessageContaining("out of range");
    assertThat(VirtualIp.of("fd00:c8::10/128", "enp0s3").prefix()).isEqualTo(128);
  }

  @Test
  void hostNamesAreNotAddresses() {
    assertThatThrownBy(() -> VirtualIp.of("maitre/24", "enp0s3"))
        .hasMessageContaining("not an address literal");
  }

  @Test
  void lifetimesAreWholeSecondsOfAtLeastOne() {
    assertThat(Lifetime.expiring(Duration.ofSeconds(1)).seconds()).isEqualTo(1);
    assertThatThrownBy(() -> Lifetime.expiring(Duration.ofMillis(500)))
        .hasMessageContaining("at least 1 s");
    assertThatThrownBy(() -> Lifetime.expiring(Duration.ofMillis(1500)))
        .hasMessageContaining("whole seconds");
    assertThat(Lifetime.permanent().seconds()).isEqualTo(0xFFFF_FFFFL);
  }

  @Test
  void announcementsNeedAtLeastOneRoundAndASaneRefresh() {
    assertThatThrownBy(() -> Announcement.burst(0, Duration.ZERO))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(
            () -> Announcement.burst(1, Duration.ZERO).withRefresh(Duration.ofMillis(10)))
        .hasMessageContaining("floods");
    assertThat(Announcement.DEFAULT.count()).isEqualTo(5);
  }

  @Test
  void errorMessagesSayWhatIsMissing() {
    assertThat(new DataplaneError.MissingCapability("CAP_NET_ADMIN", "install x").message())
        .isEqualTo("install x was refused: the agent needs CAP_NET_ADMIN");
    assertThat(new DataplaneError.KernelError("install x", 17, "exists").message())
        .isEqualTo("install x failed: EEXIST (exists) (exists)");
    assertThat(Failures.of("announce x", "CAP_NET_RAW", 1, "socket"))
        .isEqualTo(new DataplaneError.MissingCapability("CAP_NET_RAW", "announce x"));
  }
}
