package dev.relais.agent.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetlinkMessagesTest {
  private static final VirtualIp VIP =
      VirtualIp.of("192.168.200.10/24", "enp0s3").withLabel("enp0s3:0");
  private static final VirtualIp VIP_V6 = VirtualIp.of("fd00:c8::10/64", "enp0s3");

  /** rtattrs after the fixed header, by type (values without padding). */
  private static Map<Integer, byte[]> attributes(ByteBuffer m, int fixed) {
    Map<Integer, byte[]> out = new LinkedHashMap<>();
    int at = NetlinkMessages.HEADER + fixed;
    while (at < m.limit()) {
      int length = m.getShort(at) & 0xFFFF;
      byte[] value = new byte[length - 4];
      m.get(at + 4, value);
      out.put(m.getShort(at + 2) & 0xFFFF, value);
      at += NetlinkMessages.align(length);
    }
    return out;
  }

  @Test
  void newAddressAsksToCreateOrReplaceAndCarriesLabelBroadcastAndLifetime() {
    ByteBuffer m = NetlinkMessages.newAddress(7, 3, VIP, Lifetime.expiring(Duration.ofSeconds(5)));

    assertThat(m.order()).isEqualTo(ByteOrder.nativeOrder());
    assertThat(m.getInt(0)).isEqualTo(m.limit());
    assertThat(m.getShort(4)).isEqualTo((short) NetlinkMessages.RTM_NEWADDR);
    assertThat(m.getShort(6) & 0xFFFF)
        .isEqualTo(0x1 | 0x4 | 0x400 | 0x100); // REQUEST|ACK|CREATE|REPLACE
    assertThat(m.getInt(8)).isEqualTo(7);
    assertThat(m.get(16)).isEqualTo((byte) NetlinkMessages.AF_INET);
    assertThat(m.get(17)).isEqualTo((byte) 24);
    assertThat(m.getInt(20)).isEqualTo(3);

    Map<Integer, byte[]> attrs = attributes(m, 8);
    assertThat(attrs.get(NetlinkMessages.IFA_LOCAL)).containsExactly(192, 168, 200, 10);
    assertThat(attrs.get(NetlinkMessages.IFA_BROADCAST)).containsExactly(192, 168, 200, 255);
    assertThat(attrs.get(NetlinkMessages.IFA_LABEL)).isEqualTo("enp0s3:0\0".getBytes());
    ByteBuffer cacheinfo =
        ByteBuffer.wrap(attrs.get(NetlinkMessages.IFA_CACHEINFO)).order(ByteOrder.nativeOrder());
    assertThat(cacheinfo.getInt(0)).as("preferred").isEqualTo(5);
    assertThat(cacheinfo.getInt(4)).as("valid").isEqualTo(5);
  }

  @Test
  void aPermanentAddressHasTheKernelsInfiniteLifetime() {
    ByteBuffer m = NetlinkMessages.newAddress(1, 3, VIP, Lifetime.permanent());
    ByteBuffer cacheinfo =
        ByteBuffer.wrap(attributes(m, 8).get(NetlinkMessages.IFA_CACHEINFO))
            .order(ByteOrder.nativeOrder());
    assertThat(cacheinfo.getInt(4)).isEqualTo(-1); // 0xFFFFFFFF
  }

  @Test
  void anIpv6AddressSkipsDadAndHasNoLabelOrBroadcast() {
    ByteBuffer m = NetlinkMessages.newAddress(1, 3, VIP_V6, Lifetime.permanent());

    assertThat(m.get(16)).isEqualTo((byte) NetlinkMessages.AF_INET6);
    assertThat(m.get(18)).as("ifa_flags").isEqualTo((byte) NetlinkMessages.IFA_F_NODAD);
    Map<Integer, byte[]> attrs = attributes(m, 8);
    assertThat(attrs).doesNotContainKeys(NetlinkMessages.IFA_LABEL, NetlinkMessages.IFA_BROADCAST);
    assertThat(
            ByteBuffer.wrap(attrs.get(NetlinkMessages.IFA_FLAGS))
                .order(ByteOrder.nativeOrder())
                .getInt())
        .isEqualTo(NetlinkMessages.IFA_F_NODAD);
  }

  @Test
  void aNewAddressMessageParsesBackToTheSameAddress() {
    ByteBuffer m = NetlinkMessages.newAddress(1, 3, VIP, Lifetime.permanent());

    NetlinkMessages.AddressEntry entry = NetlinkMessages.parseAddress(m);

    assertThat(entry)
        .isEqualTo(new NetlinkMessages.AddressEntry(3, VIP.address(), 24, Optional.of("enp0s3:0")));
  }

  @Test
  void deletingAnIpv4AddressMatchesOnTheLocalAddressOnly() throws Exception {
    ByteBuffer m = NetlinkMessages.deleteAddress(2, 3, InetAddress.getByName("192.168.200.10"), 24);

    assertThat(m.getShort(4)).isEqualTo((short) NetlinkMessages.RTM_DELADDR);
    assertThat(attributes(m, 8)).containsOnlyKeys(NetlinkMessages.IFA_LOCAL);
  }

  @Test
  void anErrorWithExtendedAckCarriesTheKernelsText() {
    ByteBuffer m = ByteBuffer.allocate(96).order(ByteOrder.nativeOrder());
    m.putInt(0)
        .putShort((short) NetlinkMessages.NLMSG_ERROR)
        .putShort((short) 0x300)
        .putInt(9)
        .putInt(0);
    m.putInt(-17).put(new byte[16]); // -EEXIST, then the echoed header (NETLINK_CAP_ACK)
    byte[] text = "Address already assigned\0".getBytes();
    m.putShort((short) (4 + text.length))
        .putShort((short) NetlinkMessages.NLMSGERR_ATTR_MSG)
        .put(text);
    m.putInt(0, m.position()).flip();

    NetlinkMessages.Ack ack = NetlinkMessages.parseError(m);

    assertThat(ack).isEqualTo(new NetlinkMessages.Ack(17, "Address already assigned"));
  }

  @Test
  void theBroadcastAddressIsTheHighestOfTheSubnet() {
    assertThat(NetlinkMessages.broadcast(new byte[] {10, 1, 2, 3}, 8))
        .containsExactly(10, 255, 255, 255);
    assertThat(NetlinkMessages.broadcast(new byte[] {10, 1, 2, 3}, 30))
        .containsExactly(10, 1, 2, 3);
  }
}
