package dev.relais.agent.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FakeDataplaneTest {
  private static final VirtualIp VIP = VirtualIp.of("192.168.200.10/24", "enp0s3");
  private final List<DataplaneEvent> events = new ArrayList<>();
  private final FakeDataplane fake = new FakeDataplane(events::add);

  @Test
  void itRecordsCallsAndKeepsInstalledVips() {
    Lifetime lifetime = Lifetime.expiring(Duration.ofSeconds(3));
    fake.install(VIP, lifetime);
    fake.announce(VIP, Announcement.DEFAULT);

    assertThat(fake.calls())
        .containsExactly(
            new FakeDataplane.Call.Install(VIP, lifetime),
            new FakeDataplane.Call.Announce(VIP, Announcement.DEFAULT));
    assertThat(fake.installed()).isEqualTo(Map.of(VIP, lifetime));
  }

  @Test
  void announcingWithoutHoldingIsRefusedLikeTheRealOne() {
    assertThat(fake.announce(VIP, Announcement.DEFAULT).join())
        .isEqualTo(DataplaneResult.failed(new DataplaneError.NotHeld(VIP)));
  }

  @Test
  void anInjectedFailureAnswersTheNextCall() {
    fake.failNext(new DataplaneError.MissingCapability("CAP_NET_ADMIN", "install"));

    assertThat(fake.install(VIP, Lifetime.permanent()).join().isOk()).isFalse();
    assertThat(fake.installed()).isEmpty();
    assertThat(fake.install(VIP, Lifetime.permanent()).join().isOk()).isTrue();
  }

  @Test
  void aVipRemovedBehindOurBackIsReportedOnce() {
    fake.install(VIP, Lifetime.permanent());

    fake.removeBehindOurBack(VIP);
    fake.removeBehindOurBack(VIP);

    assertThat(events).containsExactly(new DataplaneEvent.VipRemoved(VIP));
  }

  @Test
  void linkChangesAreReportedForTrackedInterfacesOnly() {
    fake.track(Set.of("enp0s3"));

    fake.link("enp0s3", LinkState.DOWN);
    fake.link("enp0s8", LinkState.DOWN);
    fake.link("enp0s3", LinkState.DOWN);

    assertThat(events).containsExactly(new DataplaneEvent.LinkChanged("enp0s3", LinkState.DOWN));
  }

  @Test
  void probesAnswerFromWhatTheTestSetUp() throws Exception {
    InetAddress gateway = InetAddress.getByName("192.168.200.1");
    fake.answering(gateway, true).otherOwner(VIP, "02:00:00:00:c8:0b").leftOver(VIP);

    PingGroup group = new PingGroup("g", List.of(gateway, InetAddress.getByName("192.168.200.2")));
    assertThat(fake.ping(group, Duration.ofSeconds(1)).join())
        .isEqualTo(DataplaneResult.ok(new Reachability(group, Set.of(gateway))));
    assertThat(
            ((DataplaneResult.Ok<OwnerProbe>) fake.probeOwners(VIP, Duration.ZERO).join())
                .value()
                .otherMacs())
        .containsExactly("02:00:00:00:c8:0b");
    assertThat(fake.removeStale(List.of(VIP)).join()).isEqualTo(DataplaneResult.ok(List.of(VIP)));
  }
}
