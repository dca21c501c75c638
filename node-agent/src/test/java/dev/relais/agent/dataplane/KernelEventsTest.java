package dev.relais.agent.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class KernelEventsTest {
  private static final int UP = NetlinkMessages.IFF_UP | NetlinkMessages.IFF_LOWER_UP;
  private static final VirtualIp VIP = VirtualIp.of("192.168.200.10/24", "enp0s3");

  private final List<DataplaneEvent> events = new ArrayList<>();
  private final List<HeldVips.Held> suspects = new ArrayList<>();
  private final HeldVips held = new HeldVips();
  private final Map<String, Device> devices = new ConcurrentHashMap<>();
  private final KernelEvents kernel = new KernelEvents(events::add, held, devices, suspects::add);

  /** RTM_NEWLINK / RTM_DELLINK with ifinfomsg and IFLA_IFNAME, as the kernel sends it. */
  private static ByteBuffer link(int type, int index, String name, int flags) {
    byte[] text = (name + "\0").getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    b.putInt(0).putShort((short) type).putShort((short) 0).putInt(0).putInt(0);
    b.put((byte) 0).put((byte) 0).putShort((short) 1).putInt(index).putInt(flags).putInt(0);
    b.putShort((short) (4 + text.length)).putShort((short) NetlinkMessages.IFLA_IFNAME).put(text);
    b.position(NetlinkMessages.align(b.position()));
    b.putInt(0, b.position());
    return b.flip();
  }

  /** RTM_DELADDR as the kernel sends it, built from our own RTM_NEWADDR layout. */
  private static ByteBuffer deleted(int index, VirtualIp vip) {
    ByteBuffer b = NetlinkMessages.newAddress(0, index, vip, Lifetime.permanent());
    b.putShort(4, (short) NetlinkMessages.RTM_DELADDR);
    return b;
  }

  @Test
  void aTrackedLinkIsReportedOnlyWhenItsStateChanges() {
    kernel.track(Map.of("enp0s3", LinkState.UP));

    kernel.accept(link(NetlinkMessages.RTM_NEWLINK, 2, "enp0s3", UP));
    kernel.accept(link(NetlinkMessages.RTM_NEWLINK, 2, "enp0s3", NetlinkMessages.IFF_UP));
    kernel.accept(link(NetlinkMessages.RTM_NEWLINK, 2, "enp0s3", NetlinkMessages.IFF_UP));
    kernel.accept(link(NetlinkMessages.RTM_DELLINK, 2, "enp0s3", 0));

    assertThat(events)
        .containsExactly(
            new DataplaneEvent.LinkChanged("enp0s3", LinkState.DOWN),
            new DataplaneEvent.LinkChanged("enp0s3", LinkState.ABSENT));
  }

  @Test
  void untrackedLinksOnlyRefreshTheInterfaceCache() {
    kernel.accept(link(NetlinkMessages.RTM_NEWLINK, 7, "enp0s8", 0));

    assertThat(events).isEmpty();
    assertThat(devices.get("enp0s8").index()).isEqualTo(7);
  }

  @Test
  void aDeleteNoticeForAHeldVipAsksForConfirmationInsteadOfReporting() {
    held.add(VIP, 2);

    kernel.accept(deleted(2, VIP));
    kernel.accept(deleted(3, VIP)); // same address on another interface: not ours

    assertThat(suspects).hasSize(1);
    assertThat(suspects.getFirst().vip).isEqualTo(VIP);
    assertThat(events).isEmpty();
  }

  @Test
  void aConfirmedLossIsReportedOnceAndForgotten() {
    held.add(VIP, 2);
    HeldVips.Held entry = held.get(VIP);

    kernel.lost(entry);
    kernel.lost(entry);

    assertThat(events).containsExactly(new DataplaneEvent.VipRemoved(VIP));
    assertThat(held.holds(VIP)).isFalse();
  }
}
