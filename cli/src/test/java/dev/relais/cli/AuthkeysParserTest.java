package dev.relais.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.relais.cli.Authkeys.Key;
import dev.relais.cli.Authkeys.Method;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthkeysParserTest {
  @Test
  void readsTheActiveIndexAndEveryKey() {
    Authkeys a =
        AuthkeysParser.parse("# keys\nauth 2\n1 md5 hello-md5\n2 sha1 hello-sha1\n3 crc\n");
    assertThat(a.active()).contains(new Located<>(2, 2));
    assertThat(a.keys())
        .containsExactly(
            new Key(1, Method.MD5, Optional.of("hello-md5"), 3),
            new Key(2, Method.SHA1, Optional.of("hello-sha1"), 4),
            new Key(3, Method.CRC, Optional.empty(), 5));
    assertThat(a.diagnostics()).isEmpty();
  }

  @Test
  void theKeyIsOneWordAndTextAfterItIsIgnoredWithAWarning() {
    Authkeys a = AuthkeysParser.parse("auth 1\n1 sha1 secret and more\n");
    assertThat(a.key(1).flatMap(Key::text)).contains("secret");
    assertThat(a.diagnostics())
        .singleElement()
        .satisfies(d -> assertThat(d.toString()).startsWith("authkeys:2: warning: text after"));
  }

  @Test
  void theActiveKeyMustFollowTheAuthLine() {
    Authkeys a = AuthkeysParser.parse("1 sha1 secret\nauth 1\n");
    assertThat(a.diagnostics())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "authkeys:2: error: auth 1 names no key defined after it: heartbeat rejects the file"
                + " (Auth Key [1] not found); add '1 sha1 <key>' below this line");
  }

  @Test
  void aFileWithoutAuthLineIsAnErrorAtItsEnd() {
    Authkeys a = AuthkeysParser.parse("#auth 1\n#1 crc\n#2 sha1 HI!\n");
    assertThat(a.diagnostics())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.isError()).isTrue();
              assertThat(d.line()).isEqualTo(3);
              assertThat(d.message()).startsWith("no 'auth N' line");
            });
  }

  @Test
  void badLinesAreErrorsWithTheirLine() {
    Authkeys a =
        AuthkeysParser.parse(
            "auth 1\n1 sha1 k-0123456789abcdef\n2 crc extra\n3 sha256 x\n4 md5\n"
                + "16 sha1 x\nauthentication\n");
    assertThat(a.diagnostics())
        .extracting(d -> d.line() + " " + d.message())
        .containsExactly(
            "3 crc takes no key (heartbeat rejects the file)",
            "4 unknown method: heartbeat knows sha1, md5 and crc (the line is not shown, as it"
                + " may hold a key)",
            "5 md5 needs a key after the method",
            "6 expected 'N method key' with N from 0 to 15 (e.g. 1 sha1 <key>)",
            "7 expected 'auth N' with N from 0 to 15");
  }

  @Test
  void textAfterTheAuthIndexIsIgnoredAsHeartbeatsScanfDoes() {
    Authkeys a = AuthkeysParser.parse("auth 3 # rotate to 3\n3 sha1 0123456789abcdef\n");
    assertThat(a.active()).contains(new Located<>(3, 1));
    assertThat(a.diagnostics()).isEmpty();
  }

  @Test
  void noDiagnosticQuotesALineThatMayHoldAKey() {
    String key = "SuperSecretKeyMaterial-4f9c2b7e";
    Authkeys a =
        AuthkeysParser.parse(
            "auth 1\n1 sha1" + key + "\n1sha1 " + key + "\n2 " + key + "\n3 crc " + key + "\n");
    assertThat(a.diagnostics())
        .extracting(Diagnostic::toString)
        .hasSize(5)
        .noneMatch(m -> m.contains(key) || m.contains("SuperSecret") || m.contains("4f9c2b7e"))
        .contains(
            "authkeys:2: error: the method sha1 runs into the text after it: put a space between"
                + " the method and the key (the line is not shown, as it holds a key)");
  }
}
