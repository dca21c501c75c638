package dev.relais.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is read from the directory: regular files only, bounded, in UTF-8 or Latin-1. */
class HeartbeatDirectoryTest {
  // A FIFO or a device read by mistake blocks or fills the heap; the fix answers at once.
  private static final Duration AT_ONCE = Duration.ofSeconds(10);

  @TempDir Path tmp;

  private HeartbeatSources read(Path dir) {
    return assertTimeoutPreemptively(AT_ONCE, () -> HeartbeatDirectory.read(dir));
  }

  private static String messages(HeartbeatSources s) {
    return String.join("\n", s.diagnostics().stream().map(Diagnostic::toString).toList());
  }

  @Test
  void aFifoIsRefusedWithoutOpeningIt() throws Exception {
    Path dir = Fixtures.copy("tutorial", tmp);
    Path haresources = dir.resolve("haresources");
    Files.delete(haresources);
    // mkfifo is in coreutils: if it is missing, this fails rather than skips.
    Process mkfifo = new ProcessBuilder("mkfifo", haresources.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();

    HeartbeatSources s = read(dir);

    assertThat(s.haresources()).isEmpty();
    assertThat(s.diagnostics())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "haresources: error: "
                + haresources
                + " is a FIFO: relais import reads regular files only");
  }

  @Test
  void aLinkToDevZeroIsRefusedNamingTheDevice() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    Files.delete(dir.resolve("ha.cf"));
    Files.createSymbolicLink(dir.resolve("ha.cf"), Path.of("/dev/zero"));

    HeartbeatSources s = read(dir);

    assertThat(s.haCf()).isEmpty();
    assertThat(messages(s))
        .isEqualTo(
            "ha.cf: error: "
                + dir.resolve("ha.cf")
                + " is a character device (/dev/zero): relais import reads regular files only");
  }

  @Test
  void aDirectoryIsRefused() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    Files.delete(dir.resolve("ha.cf"));
    Files.createDirectory(dir.resolve("ha.cf"));

    assertThat(messages(read(dir)))
        .isEqualTo(
            "ha.cf: error: "
                + dir.resolve("ha.cf")
                + " is a directory: relais import reads regular files only");
  }

  @Test
  void aFileOverOneMebibyteIsRefusedBeforeItIsRead() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    try (var f = new RandomAccessFile(dir.resolve("haresources").toFile(), "rw")) {
      f.setLength(50L << 20); // sparse: 50 MB that take no disk
    }

    HeartbeatSources s = read(dir);

    assertThat(s.haresources()).isEmpty();
    assertThat(messages(s))
        .isEqualTo(
            "haresources: error: "
                + dir.resolve("haresources")
                + " is larger than 1048576 bytes (1 MiB), the most relais import reads:"
                + " heartbeat's files are a few KB");
  }

  @Test
  void aFileOfExactlyTheLimitIsRead() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    byte[] comment = new byte[HeartbeatDirectory.MAX_FILE_BYTES];
    java.util.Arrays.fill(comment, (byte) '#');
    Files.write(dir.resolve("haresources"), comment);

    assertThat(read(dir).haresources()).hasValueSatisfying(t -> assertThat(t).hasSize(1 << 20));
  }

  @Test
  void aLatin1CommentIsReadWithAWarningNamingTheFileAndLine() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    String haCf = Files.readString(dir.resolve("ha.cf"));
    Files.write(
        dir.resolve("ha.cf"),
        ("# configuré par l'équipe réseau\n" + haCf).getBytes(StandardCharsets.ISO_8859_1));

    HeartbeatSources s = read(dir);

    assertThat(s.haCf()).hasValueSatisfying(t -> assertThat(t).startsWith("# configuré par"));
    assertThat(messages(s))
        .isEqualTo(
            "ha.cf:1: warning: not UTF-8 (the first byte that is not is on this line): the file"
                + " is read as ISO-8859-1 (Latin-1); check its non-ASCII text, or convert the"
                + " file with iconv -f latin1 -t utf-8")
        .doesNotContain("Input length");
  }

  @Test
  void theWarningNamesTheLineOfTheFirstByteThatIsNotUtf8() {
    var out = new java.util.ArrayList<Diagnostic>();
    String text =
        HeartbeatDirectory.decode(
            "authkeys", "auth 1\n# été\n1 sha1 cl\u00e9\n".getBytes(StandardCharsets.UTF_8), out);
    assertThat(text).isEqualTo("auth 1\n# été\n1 sha1 clé\n");
    assertThat(out).isEmpty();

    HeartbeatDirectory.decode(
        "authkeys", "auth 1\n# ok\n1 sha1 cl\u00e9\n".getBytes(StandardCharsets.ISO_8859_1), out);
    assertThat(out).singleElement().satisfies(d -> assertThat(d.line()).isEqualTo(3));
  }

  @Test
  void aFileThatCannotBeReadSaysWhyOnce() throws IOException {
    Path dir = Fixtures.copy("tutorial", tmp);
    Files.delete(dir.resolve("ha.cf"));
    Files.createSymbolicLink(dir.resolve("ha.cf"), dir.resolve("ha.cf"));

    assertThat(messages(read(dir)))
        .isEqualTo(
            "ha.cf: error: "
                + dir.resolve("ha.cf")
                + " cannot be read: Too many levels of symbolic links or unable to access attributes of symbolic link");
  }
}
