package dev.relais.agent.dataplane;

import static dev.relais.agent.dataplane.KernelTests.neighbourMac;
import static dev.relais.agent.dataplane.KernelTests.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relais.agent.dataplane.Announcement.ArpForms;
import dev.relais.agent.netns.NetnsLab;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Takeover as a client on the LAN sees it: gratuitous ARP, unsolicited NA, bursts, refresh, the
 * duplicate-owner probe and the ping prober, on the tutorial's LAN in namespaces.
 */
@Tag("netns")
class AnnounceKernelIT {
  private static final String LAN = NetnsLab.LAN;
  private static final VirtualIp VIP =
      VirtualIp.of(NetnsLab.VIP4 + "/24", LAN).withLabel("enp0s3:0");
  private static final VirtualIp VIP_V6 = VirtualIp.of(NetnsLab.VIP6 + "/64", LAN);
  private static final Lifetime LIFETIME = Lifetime.expiring(Duration.ofSeconds(30));
  private static final Duration BOUND = Duration.ofSeconds(2);

  private static NetnsLab lab;
  private static LinuxDataplane maitre;
  private static LinuxDataplane esclave;

  @BeforeAll
  static void start() {
    lab = NetnsLab.tutorial();
    maitre = lab.inNamespace("maitre", () -> LinuxDataplane.open(event -> {}));
    esclave = lab.inNamespace("esclave", () -> LinuxDataplane.open(event -> {}));
  }

  @AfterAll
  static void stop() {
    for (LinuxDataplane d : new LinuxDataplane[] {maitre, esclave}) {
      if (d != null) {
        d.close();
      }
    }
    if (lab != null) {
      lab.close();
    }
  }

  @AfterEach
  void reset() throws Exception {
    for (LinuxDataplane d : List.of(maitre, esclave)) {
      ok(d.remove(VIP));
      ok(d.remove(VIP_V6));
    }
    lab.ipIn("client", "neigh", "flush", "dev", LAN);
  }

  @Test
  void theGratuitousArpRequestMovesTheClientsEntryToTheNewOwner() throws Exception {
    takeOverAndWatchTheClient(VIP, ArpForms.REQUEST_ONLY);
  }

  @Test
  void theGratuitousArpReplyMovesTheClientsEntryToTheNewOwner() throws Exception {
    takeOverAndWatchTheClient(VIP, ArpForms.REPLY_ONLY);
  }

  @Test
  void theUnsolicitedNeighborAdvertisementMovesTheClientsEntryToTheNewOwner() throws Exception {
    takeOverAndWatchTheClient(VIP_V6, ArpForms.REQUEST_AND_REPLY);
  }

  private void takeOverAndWatchTheClient(VirtualIp vip, ArpForms forms) throws Exception {
    String address = text(vip);
    ok(maitre.install(vip, LIFETIME));
    // Linux updates an existing neighbour entry from a GARP but creates none: resolve first.
    assertThat(lab.execIn("client", "ping", "-c", "1", "-W", "2", address)).isZero();
    assertThat(neighbourMac(lab, "client", address)).contains(lab.host("maitre").mac());
    int ifindex = KernelTests.ifindex(lab, "client");
    // ETH_P_ALL also sees the client's outgoing frames: proof that it asked nobody meanwhile.
    try (FrameCapture clientSide =
        lab.inNamespace("client", () -> FrameCapture.open(FrameCapture.ETH_P_ALL, ifindex))) {
      ok(maitre.remove(vip)); // maitre fails
      ok(esclave.install(vip, LIFETIME));
      ok(esclave.announce(vip, Announcement.burst(1, Duration.ZERO).withForms(forms)));

      await()
          .atMost(BOUND)
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> neighbourMac(lab, "client", address),
              mac -> mac.equals(Optional.of(lab.host("esclave").mac())));

      byte[] clientMac = HexFormat.ofDelimiter(":").parseHex(lab.host("client").mac());
      assertThat(resolutionsBy(clientMac, clientSide.collect(Duration.ofMillis(50))))
          .as("ARP requests / neighbor solicitations sent by the client")
          .isZero();

      // Control: the same capture does see the client resolve once its entry is gone.
      lab.ipIn("client", "neigh", "flush", "dev", LAN);
      assertThat(lab.execIn("client", "ping", "-c", "1", "-W", "2", address)).isZero();
      assertThat(resolutionsBy(clientMac, clientSide.collect(Duration.ofMillis(50)))).isPositive();
    }
  }

  /** ARP requests and neighbor solicitations sent from {@code mac}. */
  private static long resolutionsBy(byte[] mac, List<FrameCapture.Frame> frames) {
    return frames.stream()
        .filter(f -> java.util.Arrays.equals(f.slice(6, 6), mac))
        .filter(
            f -> {
              int type = ((f.bytes()[12] & 0xFF) << 8) | (f.bytes()[13] & 0xFF);
              boolean arpRequest =
                  type == LinkFrames.ETH_P_ARP && f.arpOperation() == LinkFrames.ARPOP_REQUEST;
              boolean solicitation =
                  type == LinkFrames.ETH_P_IPV6
                      && f.bytes().length > 54
                      && (f.bytes()[14 + 6] & 0xFF) == 58
                      && (f.bytes()[54] & 0xFF) == LinkFrames.ICMPV6_NEIGHBOR_SOLICITATION;
              return arpRequest || solicitation;
            })
        .count();
  }

  @Test
  void aBurstSendsRequestAndReplyPairsIntervalApart() throws Exception {
    int ifindex = KernelTests.ifindex(lab, "client");
    try (FrameCapture capture =
        lab.inNamespace("client", () -> FrameCapture.open(LinkFrames.ETH_P_ARP, ifindex))) {
      ok(esclave.install(VIP, LIFETIME));
      ok(esclave.announce(VIP, Announcement.burst(3, Duration.ofMillis(150))));

      List<FrameCapture.Frame> frames = capture.collect(Duration.ofMillis(1500));

      byte[] mac = HexFormat.ofDelimiter(":").parseHex(lab.host("esclave").mac());
      byte[] vip = VIP.address().getAddress();
      assertThat(frames).hasSize(6);
      for (int i = 0; i < frames.size(); i++) {
        FrameCapture.Frame f = frames.get(i);
        assertThat(f.slice(0, 6)).as("broadcast").isEqualTo(LinkFrames.BROADCAST);
        assertThat(f.slice(22, 6)).as("sender MAC").isEqualTo(mac);
        assertThat(f.slice(28, 4)).as("sender IP").isEqualTo(vip);
        assertThat(f.slice(38, 4)).as("target IP").isEqualTo(vip);
        boolean request = i % 2 == 0;
        assertThat(f.arpOperation())
            .isEqualTo(request ? LinkFrames.ARPOP_REQUEST : LinkFrames.ARPOP_REPLY);
        assertThat(f.slice(32, 6)).as("target MAC").isEqualTo(request ? new byte[6] : mac);
      }
      Duration spread =
          Duration.ofNanos(frames.get(5).receivedNanos() - frames.get(0).receivedNanos());
      assertThat(spread).isBetween(Duration.ofMillis(250), Duration.ofMillis(1200));
    }
  }

  @Test
  void refreshRepeatsTheAnnouncementWhileHeldAndStopsOnRemove() throws Exception {
    int ifindex = KernelTests.ifindex(lab, "client");
    try (FrameCapture capture =
        lab.inNamespace("client", () -> FrameCapture.open(LinkFrames.ETH_P_IPV6, ifindex))) {
      ok(esclave.install(VIP_V6, LIFETIME));
      ok(
          esclave.announce(
              VIP_V6, Announcement.burst(1, Duration.ZERO).withRefresh(Duration.ofMillis(200))));

      long advertisements = countAdvertisements(capture.collect(Duration.ofMillis(1200)));
      assertThat(advertisements).isBetween(3L, 8L);

      ok(esclave.remove(VIP_V6));
      // A round sent just before the removal may still be on its way: let it land first.
      while (capture.next(Duration.ofMillis(30)) != null) {
        // drained
      }
      assertThat(countAdvertisements(capture.collect(Duration.ofMillis(600)))).isZero();
    }
  }

  private static long countAdvertisements(List<FrameCapture.Frame> frames) {
    return frames.stream()
        .filter(f -> LinkFrames.claimant(f.buffer(), VIP_V6.address()).isPresent())
        .count();
  }

  @Test
  void theOwnerProbeReportsAnotherMacAnsweringForTheVip() throws Exception {
    for (VirtualIp vip : List.of(VIP, VIP_V6)) {
      ok(maitre.install(vip, LIFETIME));
      OwnerProbe alone = ok(maitre.probeOwners(vip, Duration.ofMillis(300)));
      assertThat(alone.duplicated()).as("%s alone", vip).isFalse();
      assertThat(alone.ownMac()).isEqualTo(lab.host("maitre").mac());

      ok(esclave.install(vip, LIFETIME)); // a second owner, e.g. after a partition heals
      OwnerProbe both = ok(maitre.probeOwners(vip, Duration.ofMillis(300)));

      assertThat(both.otherMacs()).as("%s", vip).containsExactly(lab.host("esclave").mac());
      // Make-before-break for IPv6 works only without DAD: neither copy may end up dadfailed.
      for (String role : List.of("maitre", "esclave")) {
        assertThat(KernelTests.addrInfo(lab, role, text(vip)).orElseThrow().has("dadfailed"))
            .isFalse();
      }
    }
  }

  @Test
  void aPingGroupIsReachableWhileAnyMemberAnswers() throws Exception {
    InetAddress client = InetAddress.getByName(lab.host("client").ipv4());
    InetAddress clientV6 = InetAddress.getByName(lab.host("client").ipv6());
    InetAddress nobody = InetAddress.getByName("192.168.200.99");
    InetAddress nobodyElse = InetAddress.getByName("192.168.200.98");

    Reachability some =
        ok(
            maitre.ping(
                new PingGroup("lan", List.of(nobody, client, clientV6)), Duration.ofSeconds(1)));
    Reachability none =
        ok(maitre.ping(new PingGroup("gone", List.of(nobody, nobodyElse)), Duration.ofMillis(500)));

    assertThat(some.reachable()).isTrue();
    assertThat(some.answered()).containsExactlyInAnyOrder(client, clientV6);
    assertThat(none.reachable()).isFalse();
  }

  @Test
  void anOnLinkTargetThatDropsIcmpIsStillReachableByArp() throws Exception {
    InetAddress client = InetAddress.getByName(lab.host("client").ipv4());
    InetAddress nobody = InetAddress.getByName("192.168.200.99");
    lab.execIn("client", "sysctl", "-q", "-w", "net.ipv4.icmp_echo_ignore_all=1");
    try {
      Reachability icmp =
          ok(maitre.ping(new PingGroup("gw", List.of(client)), Duration.ofMillis(500)));
      Reachability arp =
          ok(
              maitre.ping(
                  PingGroup.arp("gw", LAN, List.of(client, nobody)), Duration.ofMillis(500)));

      assertThat(icmp.reachable()).isFalse();
      assertThat(arp.answered()).containsExactly(client);
    } finally {
      lab.execIn("client", "sysctl", "-q", "-w", "net.ipv4.icmp_echo_ignore_all=0");
    }
  }

  @Test
  void withoutPingGroupRangeThePingFallsBackToARawSocket() throws Exception {
    InetAddress client = InetAddress.getByName(lab.host("client").ipv4());
    lab.execIn("maitre", "sysctl", "-q", "-w", "net.ipv4.ping_group_range=1 0");
    try {
      Reachability result =
          ok(maitre.ping(new PingGroup("client", List.of(client)), Duration.ofSeconds(1)));
      assertThat(result.answered()).containsExactly(client);
    } finally {
      lab.execIn("maitre", "sysctl", "-q", "-w", "net.ipv4.ping_group_range=0 2147483647");
    }
  }

  @Test
  void announcingAVipThatIsNotHeldIsRefused() throws Exception {
    DataplaneError error = KernelTests.failed(esclave.announce(VIP, Announcement.DEFAULT));
    assertThat(error).isEqualTo(new DataplaneError.NotHeld(VIP));
  }

  /** The address as iproute2 prints it (compressed IPv6). */
  private static String text(VirtualIp vip) {
    return vip.isIpv4() ? NetnsLab.VIP4 : NetnsLab.VIP6;
  }
}
