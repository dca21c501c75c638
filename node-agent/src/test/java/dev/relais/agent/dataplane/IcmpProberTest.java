package dev.relais.agent.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class IcmpProberTest {
  @Test
  void anIpv4EchoRequestCarriesAValidChecksum() {
    ByteBuffer echo = IcmpProber.echo(true, 0x1234, 7, 0x0102030405060708L);

    assertThat(echo.get(0)).isEqualTo((byte) 8);
    assertThat(LinkFrames.onesComplementSum(echo.array())).isEqualTo(0xFFFF);
  }

  @Test
  void aReplyWithOurCookieYieldsItsSequence() {
    ByteBuffer reply = IcmpProber.echo(true, 1, 42, 99L);
    reply.put(0, (byte) 0); // echo reply

    assertThat(IcmpProber.replySequence(reply, false, 99L)).isEqualTo(42);
    assertThat(IcmpProber.replySequence(reply, false, 98L)).isEqualTo(-1);
  }

  @Test
  void aRawIpv4ReplySkipsTheIpHeader() {
    ByteBuffer icmp = IcmpProber.echo(true, 1, 5, 7L);
    icmp.put(0, (byte) 0);
    ByteBuffer packet = ByteBuffer.allocate(20 + 16);
    packet.put((byte) 0x45).put(new byte[19]).put(icmp).flip();

    assertThat(IcmpProber.replySequence(packet, true, 7L)).isEqualTo(5);
  }

  @Test
  void ourOwnRequestIsNotAReply() {
    assertThat(IcmpProber.replySequence(IcmpProber.echo(true, 1, 5, 7L), false, 7L)).isEqualTo(-1);
    assertThat(IcmpProber.replySequence(IcmpProber.echo(false, 1, 5, 7L), false, 7L)).isEqualTo(-1);
  }
}
