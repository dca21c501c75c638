package dev.relais.cli;

import static dev.relais.cli.Diagnostic.AUTHKEYS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads ha.cf, authkeys and haresources from a directory such as /etc/ha.d (the only I/O). Only
 * regular files (after symbolic links) of at most {@link #MAX_FILE_BYTES} are read: a device such
 * as /dev/zero would fill the heap, a FIFO would block the command forever.
 */
public final class HeartbeatDirectory {
  /** heartbeat's three files are a few KB; 1 MiB is hundreds of times more than any real one. */
  static final int MAX_FILE_BYTES = 1 << 20;

  private HeartbeatDirectory() {}

  public static HeartbeatSources read(Path dir) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    Optional<String> haCf = text(dir, Diagnostic.HA_CF, diagnostics);
    Optional<String> authkeys = text(dir, AUTHKEYS, diagnostics);
    Optional<String> haresources = text(dir, Diagnostic.HARESOURCES, diagnostics);
    if (authkeys.isPresent()) {
      permissions(dir.resolve(AUTHKEYS)).ifPresent(diagnostics::add);
    }
    return new HeartbeatSources(haCf, authkeys, haresources, diagnostics);
  }

  private static Optional<String> text(Path dir, String file, List<Diagnostic> out) {
    Path path = dir.resolve(file);
    try {
      // Checked before opening: opening a FIFO blocks until a writer comes. (A file swapped for a
      // FIFO between this check and the open would still block; the directory is the user's own.)
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        out.add(
            Diagnostic.error(
                file,
                0,
                path
                    + " is "
                    + kind(path, attributes)
                    + ": relais import reads regular files only"));
        return Optional.empty();
      }
      if (attributes.size() > MAX_FILE_BYTES) {
        out.add(tooLarge(file, path));
        return Optional.empty();
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(path)) {
        // Bounded again while reading: the file may grow, and /proc files report 0 bytes.
        bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      }
      if (bytes.length > MAX_FILE_BYTES) {
        out.add(tooLarge(file, path));
        return Optional.empty();
      }
      return Optional.of(decode(file, bytes, out));
    } catch (NoSuchFileException e) {
      out.add(
          Diagnostic.error(
              file,
              0,
              "not found in " + dir + " (heartbeat needs ha.cf, authkeys and haresources)"));
    } catch (IOException e) {
      out.add(Diagnostic.error(file, 0, path + " cannot be read: " + reason(e)));
    }
    return Optional.empty();
  }

  private static Diagnostic tooLarge(String file, Path path) {
    return Diagnostic.error(
        file,
        0,
        path
            + " is larger than "
            + MAX_FILE_BYTES
            + " bytes (1 MiB), the most relais import reads: heartbeat's files are a few KB");
  }

  /**
   * UTF-8, else ISO-8859-1 with a warning. heartbeat reads bytes and only compares ASCII words, so
   * a Latin-1 comment was fine for it and must not stop the import. ISO-8859-1 maps every byte to
   * one character, so nothing is dropped or replaced; what changes is how non-ASCII text is written
   * out (in UTF-8), which matters only for a key, hence a warning and not a note.
   */
  static String decode(String file, byte[] bytes, List<Diagnostic> out) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never gives more UTF-16 units than bytes; the decoder reports malformed input.
    CharBuffer chars = CharBuffer.allocate(bytes.length);
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
    CoderResult result = utf8.decode(in, chars, true);
    if (!result.isError()) result = utf8.flush(chars);
    if (!result.isError()) return chars.flip().toString();
    int line = 1;
    for (int i = 0; i < in.position(); i++) if (bytes[i] == '\n') line++;
    out.add(
        Diagnostic.warning(
            file,
            line,
            "not UTF-8 (the first byte that is not is on this line): the file is read as"
                + " ISO-8859-1 (Latin-1); check its non-ASCII text, or convert the file with"
                + " iconv -f latin1 -t utf-8"));
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** What stat says a path is, for the error: "a FIFO", "a character device (/dev/zero)"... */
  private static String kind(Path path, BasicFileAttributes attributes) {
    if (attributes.isDirectory()) return "a directory";
    String kind = "a device, FIFO or socket";
    try {
      // S_IFMT bits of st_mode (sys/stat.h); the "unix" view exists on Linux and other Unixes.
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      kind =
          switch (mode & 0170000) {
            case 0010000 -> "a FIFO";
            case 0020000 -> "a character device";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            default -> kind;
          };
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // no unix view: the generic wording stays
    }
    try {
      Path real = path.toRealPath();
      if (!real.equals(path.toAbsolutePath())) kind += " (" + real + ")";
    } catch (IOException e) {
      // the kind is enough
    }
    return kind;
  }

  /** The system's reason without the exception's class or the path again. */
  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) return "permission denied";
    if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** heartbeat refuses to start when authkeys is readable by group or others (read bits only). */
  static Optional<Diagnostic> permissions(Path authkeys) {
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(authkeys);
    } catch (UnsupportedOperationException | IOException e) {
      return Optional.empty(); // no POSIX modes here: nothing heartbeat could have checked
    }
    if (mode.contains(PosixFilePermission.GROUP_READ)
        || mode.contains(PosixFilePermission.OTHERS_READ)) {
      return Optional.of(
          Diagnostic.error(
              AUTHKEYS,
              0,
              "mode "
                  + PosixFilePermissions.toString(mode)
                  + " lets group or others read the keys; heartbeat refuses to start so: chmod 600 "
                  + authkeys));
    }
    return Optional.empty();
  }
}
