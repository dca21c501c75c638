package dev.relais.agent.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class LinkFramesTest {
  private static final byte[] MAC = HexFormat.ofDelimiter(":").parseHex("02:00:00:00:c8:0c");
  private static final byte[] OTHER = HexFormat.ofDelimiter(":").parseHex("02:00:00:00:c8:0b");

  private static Inet4Address v4(String s) throws Exception {
    return (Inet4Address) InetAddress.getByName(s);
  }

  private static Inet6Address v6(String s) throws Exception {
    return (Inet6Address) InetAddress.getByName(s);
  }

  private static byte[] slice(ByteBuffer b, int at, int length) {
    return Arrays.copyOfRange(b.array(), at, at + length);
  }

  @Test
  void theGratuitousArpRequestHasTargetMacZero() throws Exception {
    ByteBuffer f = LinkFrames.gratuitousArp(LinkFrames.ARPOP_REQUEST, MAC, v4("192.168.200.10"));

    assertThat(f.remaining()).isEqualTo(60);
    assertThat(slice(f, 0, 6)).isEqualTo(LinkFrames.BROADCAST);
    assertThat(slice(f, 6, 6)).isEqualTo(MAC);
    assertThat(f.getShort(12)).isEqualTo((short) 0x0806);
    assertThat(f.getShort(20)).isEqualTo((short) 1);
    assertThat(slice(f, 22, 6)).isEqualTo(MAC);
    assertThat(slice(f, 28, 4)).containsExactly(192, 168, 200, 10);
    assertThat(slice(f, 32, 6)).isEqualTo(new byte[6]);
    assertThat(slice(f, 38, 4)).containsExactly(192, 168, 200, 10);
  }

  @Test
  void theGratuitousArpReplyHasTargetMacEqualToSenderMac() throws Exception {
    ByteBuffer f = LinkFrames.gratuitousArp(LinkFrames.ARPOP_REPLY, MAC, v4("192.168.200.10"));

    assertThat(f.getShort(20)).isEqualTo((short) 2);
    assertThat(slice(f, 32, 6)).isEqualTo(MAC);
    assertThat(slice(f, 0, 6)).isEqualTo(LinkFrames.BROADCAST);
  }

  @Test
  void theArpProbeHasSenderIpZero() throws Exception {
    ByteBuffer f = LinkFrames.arpProbe(MAC, v4("192.168.200.10"));

    assertThat(slice(f, 28, 4)).containsExactly(0, 0, 0, 0);
    assertThat(slice(f, 38, 4)).containsExactly(192, 168, 200, 10);
  }

  @Test
  void theUnsolicitedAdvertisementHasOverrideHopLimit255AndAValidChecksum() throws Exception {
    Inet6Address vip = v6("fd00:c8::10");
    ByteBuffer f = LinkFrames.unsolicitedAdvertisement(MAC, vip);

    assertThat(slice(f, 0, 6)).isEqualTo(HexFormat.of().parseHex("333300000001"));
    assertThat(f.getShort(12)).isEqualTo((short) 0x86DD);
    assertThat(f.get(14 + 6)).as("next header").isEqualTo((byte) 58);
    assertThat(f.get(14 + 7) & 0xFF).as("hop limit").isEqualTo(255);
    assertThat(slice(f, 14 + 8, 16)).isEqualTo(vip.getAddress());
    assertThat(slice(f, 14 + 24, 16)).isEqualTo(InetAddress.getByName("ff02::1").getAddress());
    int icmp = 14 + 40;
    assertThat(f.get(icmp) & 0xFF).isEqualTo(136);
    assertThat(f.getInt(icmp + 4) & 0x2000_0000).as("override").isNotZero();
    assertThat(f.getInt(icmp + 4) & 0x4000_0000).as("solicited").isZero();
    assertThat(slice(f, icmp + 8, 16)).isEqualTo(vip.getAddress());
    assertThat(slice(f, icmp + 24, 2)).containsExactly(2, 1); // target link-layer address option
    assertThat(slice(f, icmp + 26, 6)).isEqualTo(MAC);
    assertThat(checksumOk(f)).isTrue();
  }

  @Test
  void theNeighborProbeGoesFromTheUnspecifiedAddressToTheSolicitedNodeGroup() throws Exception {
    ByteBuffer f = LinkFrames.neighborProbe(MAC, v6("fd00:c8::10"));

    assertThat(slice(f, 0, 6)).isEqualTo(HexFormat.of().parseHex("3333ff000010"));
    assertThat(slice(f, 14 + 8, 16)).isEqualTo(new byte[16]);
    assertThat(slice(f, 14 + 24, 16))
        .isEqualTo(InetAddress.getByName("ff02::1:ff00:10").getAddress());
    assertThat(f.get(14 + 40) & 0xFF).isEqualTo(135);
    assertThat(checksumOk(f)).isTrue();
  }

  /** RFC 1071: summing the pseudo-header and message including the checksum gives 0xFFFF. */
  private static boolean checksumOk(ByteBuffer f) {
    int length = f.getShort(14 + 4) & 0xFFFF;
    byte[] icmp = slice(f, 14 + 40, length);
    ByteBuffer pseudo = ByteBuffer.allocate(40 + length);
    pseudo.put(slice(f, 14 + 8, 16)).put(slice(f, 14 + 24, 16)).putInt(length).putInt(58).put(icmp);
    return LinkFrames.onesComplementSum(pseudo.array()) == 0xFFFF;
  }

  @Test
  void theChecksumMatchesTheRfc1071Example() {
    // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
    byte[] words = HexFormat.of().parseHex("0001f203f4f5f6f7");
    assertThat(LinkFrames.onesComplementSum(words)).isEqualTo(0xddf2);
  }

  @Test
  void anotherHostsArpForTheVipNamesItsMac() throws Exception {
    ByteBuffer f = LinkFrames.gratuitousArp(LinkFrames.ARPOP_REPLY, OTHER, v4("192.168.200.10"));

    assertThat(LinkFrames.claimant(f, v4("192.168.200.10")))
        .hasValueSatisfying(m -> assertThat(m).isEqualTo(OTHER));
    assertThat(LinkFrames.claimant(f, v4("192.168.200.11"))).isEmpty();
  }

  @Test
  void anAdvertisementForTheVipNamesItsTargetLinkLayerAddress() throws Exception {
    ByteBuffer f = LinkFrames.unsolicitedAdvertisement(OTHER, v6("fd00:c8::10"));

    assertThat(LinkFrames.claimant(f, v6("fd00:c8::10")))
        .hasValueSatisfying(m -> assertThat(m).isEqualTo(OTHER));
    assertThat(LinkFrames.claimant(f, v6("fd00:c8::11"))).isEmpty();
    assertThat(
            LinkFrames.claimant(
                LinkFrames.neighborProbe(OTHER, v6("fd00:c8::10")), v6("fd00:c8::10")))
        .isEmpty();
  }
}
