package dev.relais.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacSha256Test {
  private static byte[] reference(byte[] key, byte[] msg, int off, int len)
      throws GeneralSecurityException {
    var mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    mac.update(msg, off, len);
    return mac.doFinal();
  }

  @Test
  void matchesTheJdkMacForShortLongAndBlockSizedKeysAndAnyMessage() throws Exception {
    var random = new Random(2104);
    for (int keyLen : new int[] {16, 32, 63, 64, 65, 200}) {
      var key = new byte[keyLen];
      random.nextBytes(key);
      var hmac = new HmacSha256(key);
      for (int i = 0; i < 50; i++) {
        var msg = new byte[random.nextInt(300)];
        random.nextBytes(msg);
        int off = msg.length == 0 ? 0 : random.nextInt(msg.length);
        int len = msg.length - off;
        var out = new byte[40];
        hmac.mac(msg, off, len, out, 8);
        var expected = reference(key, msg, off, len);
        assertThat(Arrays.copyOfRange(out, 8, 40)).isEqualTo(expected);
      }
    }
  }

  @Test
  void rfc4231TestCase2() {
    // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
    var hmac = new HmacSha256("Jefe".getBytes(StandardCharsets.US_ASCII));
    var msg = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
    var out = new byte[32];
    hmac.mac(msg, 0, msg.length, out, 0);
    assertThat(HexFormat.of().formatHex(out))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
}
