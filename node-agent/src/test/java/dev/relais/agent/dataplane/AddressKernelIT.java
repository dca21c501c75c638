package dev.relais.agent.dataplane;

import static dev.relais.agent.dataplane.KernelTests.addrInfo;
import static dev.relais.agent.dataplane.KernelTests.failed;
import static dev.relais.agent.dataplane.KernelTests.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relais.agent.netns.NetnsLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VIP addresses, lifetimes, events and errors against the real kernel, in namespaces. */
@Tag("netns")
class AddressKernelIT {
  private static final String LAN = NetnsLab.LAN;
  private static final VirtualIp VIP =
      VirtualIp.of(NetnsLab.VIP4 + "/24", LAN).withLabel("enp0s3:0");
  private static final VirtualIp VIP_V6 = VirtualIp.of(NetnsLab.VIP6 + "/64", LAN);
  // CI bounds from the issue: loose, because two shared cores must not make them flake.
  private static final Duration EVENT_BOUND = Duration.ofSeconds(2);
  private static final Duration EXPIRY_SLACK = Duration.ofSeconds(5);

  private static final RecordingListener events = new RecordingListener();
  private static NetnsLab lab;
  private static LinuxDataplane maitre;

  @BeforeAll
  static void start() {
    lab = NetnsLab.create(List.of("maitre"));
    maitre = lab.inNamespace("maitre", () -> LinuxDataplane.open(events));
  }

  @AfterAll
  static void stop() {
    if (maitre != null) {
      maitre.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @AfterEach
  void reset() throws Exception {
    ok(maitre.remove(VIP));
    ok(maitre.remove(VIP_V6));
    lab.ipIn("maitre", "addr", "flush", "dev", "lo", "to", NetnsLab.VIP4 + "/32");
    lab.ipIn("maitre", "link", "set", LAN, "up");
    NetnsLab.ip("-n", lab.bridgeNamespace(), "link", "set", lab.bridgePort("maitre"), "up");
    events.clear();
  }

  @Test
  void addsAndRemovesALabelledVipThatIpShowsFromOutside() throws Exception {
    ok(maitre.install(VIP, Lifetime.permanent()));

    JsonNode info = addrInfo(lab, "maitre", NetnsLab.VIP4).orElseThrow();
    assertThat(info.path("prefixlen").asInt()).isEqualTo(24);
    assertThat(info.path("label").asText()).isEqualTo("enp0s3:0");
    assertThat(info.path("broadcast").asText()).isEqualTo("192.168.200.255");
    assertThat(info.path("valid_life_time").asLong()).isEqualTo(Lifetime.INFINITE_SECONDS);

    ok(maitre.install(VIP, Lifetime.permanent())); // present already: not an error
    ok(maitre.remove(VIP));
    assertThat(addrInfo(lab, "maitre", NetnsLab.VIP4)).isEmpty();
    ok(maitre.remove(VIP)); // absent already: not an error
  }

  @Test
  void anIpv6VipSkipsDuplicateAddressDetection() throws Exception {
    ok(maitre.install(VIP_V6, Lifetime.expiring(Duration.ofSeconds(30))));

    JsonNode info = addrInfo(lab, "maitre", NetnsLab.VIP6).orElseThrow();
    assertThat(info.path("prefixlen").asInt()).isEqualTo(64);
    assertThat(info.path("nodad").asBoolean()).isTrue();
    assertThat(info.has("tentative")).isFalse();
    assertThat(info.has("dadfailed")).isFalse();
    assertThat(info.path("valid_life_time").asLong()).isBetween(25L, 30L);
  }

  @Test
  void renewalExtendsTheLifetimeInPlaceWithoutRemovingTheAddress() throws Exception {
    for (VirtualIp vip : List.of(VIP, VIP_V6)) {
      ok(maitre.install(vip, Lifetime.expiring(Duration.ofSeconds(5))));
      ok(maitre.install(vip, Lifetime.expiring(Duration.ofSeconds(120))));
      String address = text(vip);
      assertThat(addrInfo(lab, "maitre", address).orElseThrow().path("valid_life_time").asLong())
          .isBetween(110L, 120L);
    }
    // A delete-and-add would have shown up as RTM_DELADDR on the monitor.
    assertThat(events.await(e -> e instanceof DataplaneEvent.VipRemoved, Duration.ofMillis(300)))
        .isNull();
  }

  @Test
  void aVipThatIsNoLongerRenewedExpiresAndIsReported() throws Exception {
    Duration lifetime = Duration.ofSeconds(2);
    for (VirtualIp vip : List.of(VIP, VIP_V6)) {
      long start = System.nanoTime();
      ok(maitre.install(vip, Lifetime.expiring(lifetime)));

      DataplaneEvent event =
          events.await(
              e -> e.equals(new DataplaneEvent.VipRemoved(vip)), lifetime.plus(EXPIRY_SLACK));

      assertThat(event).as("VipRemoved for %s", vip).isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(lifetime.minusMillis(100));
      assertThat(addrInfo(lab, "maitre", text(vip))).isEmpty();
    }
  }

  @Test
  void aVipDeletedBehindOurBackIsReportedAndCanBeInstalledAgain() throws Exception {
    ok(maitre.install(VIP, Lifetime.permanent()));

    lab.ipIn("maitre", "addr", "del", NetnsLab.VIP4 + "/24", "dev", LAN);

    assertThat(events.await(e -> e.equals(new DataplaneEvent.VipRemoved(VIP)), EVENT_BOUND))
        .isNotNull();
    ok(maitre.install(VIP, Lifetime.permanent()));
    assertThat(addrInfo(lab, "maitre", NetnsLab.VIP4)).isPresent();
  }

  @Test
  void ourOwnRemovalIsNotReportedAsALoss() throws Exception {
    ok(maitre.install(VIP, Lifetime.permanent()));
    ok(maitre.remove(VIP));
    assertThat(events.await(e -> e instanceof DataplaneEvent.VipRemoved, Duration.ofMillis(300)))
        .isNull();
  }

  @Test
  void removingAndInstallingAgainAtOnceKeepsTheVipHeld() throws Exception {
    for (int i = 0; i < 20; i++) {
      maitre.remove(VIP);
      ok(maitre.install(VIP, Lifetime.permanent()));
    }

    // The deletes' notifications arrive after the re-installs: none may count as a loss.
    assertThat(events.await(e -> e instanceof DataplaneEvent.VipRemoved, Duration.ofMillis(500)))
        .isNull();
    assertThat(addrInfo(lab, "maitre", NetnsLab.VIP4)).isPresent();
    ok(maitre.announce(VIP, Announcement.burst(1, Duration.ZERO)));
  }

  @Test
  void linkDownAndUpOfATrackedInterfaceAreReported() throws Exception {
    assertThat(ok(maitre.track(Set.of(LAN, "nosuch0"))))
        .containsEntry(LAN, LinkState.UP)
        .containsEntry("nosuch0", LinkState.ABSENT);

    // Pull the cable: the bridge-side end goes down, so maitre's enp0s3 loses carrier.
    NetnsLab.ip("-n", lab.bridgeNamespace(), "link", "set", lab.bridgePort("maitre"), "down");
    assertThat(
            events.await(
                e -> e.equals(new DataplaneEvent.LinkChanged(LAN, LinkState.DOWN)), EVENT_BOUND))
        .isNotNull();

    NetnsLab.ip("-n", lab.bridgeNamespace(), "link", "set", lab.bridgePort("maitre"), "up");
    assertThat(
            events.await(
                e -> e.equals(new DataplaneEvent.LinkChanged(LAN, LinkState.UP)), EVENT_BOUND))
        .isNotNull();
  }

  @Test
  void staleVipsLeftByAnEarlierRunAreRemovedAtStart() throws Exception {
    lab.ipIn("maitre", "addr", "add", NetnsLab.VIP4 + "/24", "dev", LAN, "label", "enp0s3:0");
    lab.ipIn("maitre", "addr", "add", NetnsLab.VIP6 + "/64", "dev", LAN, "nodad");
    VirtualIp configured = VirtualIp.of(NetnsLab.VIP4 + "/32", LAN); // prefix since changed

    List<VirtualIp> removed = ok(maitre.removeStale(List.of(configured, VIP_V6)));

    assertThat(removed).containsExactlyInAnyOrder(VIP, VIP_V6);
    assertThat(addrInfo(lab, "maitre", NetnsLab.VIP4)).isEmpty();
    assertThat(addrInfo(lab, "maitre", NetnsLab.VIP6)).isEmpty();
    assertThat(ok(maitre.removeStale(List.of(configured)))).isEmpty();
  }

  @Test
  void aMissingInterfaceIsAClearError() throws Exception {
    DataplaneError error =
        failed(
            maitre.install(VirtualIp.of(NetnsLab.VIP4 + "/24", "nosuch0"), Lifetime.permanent()));

    assertThat(error).isEqualTo(new DataplaneError.MissingInterface("nosuch0"));
    assertThat(error.message()).isEqualTo("interface nosuch0 does not exist");
  }

  @Test
  void theVipAlreadyOnAnotherInterfaceIsAConflict() throws Exception {
    lab.ipIn("maitre", "addr", "add", NetnsLab.VIP4 + "/32", "dev", "lo");

    DataplaneError error = failed(maitre.install(VIP, Lifetime.permanent()));

    assertThat(error).isInstanceOf(DataplaneError.AddressConflict.class);
    assertThat(error.message()).contains("192.168.200.10/32 on lo");
    assertThat(addrInfo(lab, "maitre", NetnsLab.VIP4)).isEmpty();
  }

  @Test
  void withoutCapabilitiesTheErrorsNameTheMissingOne(@TempDir Path logs) throws Exception {
    List<String> dropCapabilities =
        List.of(
            "setpriv",
            "--inh-caps=-net_admin,-net_raw",
            "--bounding-set=-net_admin,-net_raw",
            "--");
    Path log = logs.resolve("capability-check.log");
    Process child =
        lab.start(lab.javaCommand("maitre", dropCapabilities, CapabilityCheck.class, LAN), log);

    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output)
        .contains(
            "install: MissingCapability: install "
                + NetnsLab.VIP4
                + "/24 dev enp0s3 label enp0s3:0 was refused: the agent needs CAP_NET_ADMIN")
        .contains(
            "probe: MissingCapability: probe owners of "
                + NetnsLab.VIP4
                + "/24 dev enp0s3 label enp0s3:0 was refused: the agent needs CAP_NET_RAW");
    assertThat(addrInfo(lab, "maitre", NetnsLab.VIP4)).isEmpty();
  }

  /** The address as iproute2 prints it (compressed IPv6). */
  private static String text(VirtualIp vip) {
    return vip.isIpv4() ? NetnsLab.VIP4 : NetnsLab.VIP6;
  }
}
