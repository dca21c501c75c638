package dev.relais.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * One read of a config file, through any symlinks (a Kubernetes volume's {@code cfg.yaml ->
 * ..data/cfg.yaml}): bounded in size, and fingerprinted so a watcher acts on changed content only.
 */
final class ConfigFile {
  /**
   * A rendered 32-group config is a few KB; 1 MiB leaves ample room and keeps a mistake (a log, an
   * image copied over the file) out of a 48 MB heap.
   */
  static final int MAX_BYTES = 1 << 20;

  private ConfigFile() {}

  /** What a read found; equal fingerprints mean nothing changed. */
  sealed interface Snapshot {
    String fingerprint();
  }

  /** The file's bytes; the fingerprint is their SHA-256. */
  record Content(byte[] bytes, String fingerprint) implements Snapshot {
    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** No usable bytes (missing, unreadable, too large); the reason is the fingerprint. */
  record Unusable(String reason) implements Snapshot {
    @Override
    public String fingerprint() {
      return "unusable: " + reason;
    }
  }

  static Snapshot read(Path file) {
    return read(file, MAX_BYTES);
  }

  static Snapshot read(Path file, int maxBytes) {
    try {
      // The size first, so a huge file is refused without opening it; the bounded read below
      // covers one that grows in between.
      long size = Files.size(file);
      if (size > maxBytes) return tooLarge(size, maxBytes);
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(maxBytes + 1);
      }
      if (bytes.length > maxBytes) return tooLarge(Files.size(file), maxBytes);
      return new Content(bytes, sha256(bytes));
    } catch (IOException e) {
      return new Unusable(describe(e, file));
    }
  }

  private static Unusable tooLarge(long size, int maxBytes) {
    return new Unusable(
        "the file has "
            + size
            + " bytes, more than the "
            + maxBytes
            + " a config may have (a 32-group config is a few KB); not read");
  }

  /** The file's permissions, following symlinks; empty where the file system has none. */
  static Optional<Set<PosixFilePermission>> permissions(Path file) {
    try {
      return Optional.of(Files.getPosixFilePermissions(file));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /** Whether anyone but the owner may read it. */
  static boolean readableByOthers(Set<PosixFilePermission> permissions) {
    return permissions.contains(PosixFilePermission.GROUP_READ)
        || permissions.contains(PosixFilePermission.OTHERS_READ);
  }

  /** As chmod writes it: 0644. */
  static String octal(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      // The enum runs OWNER_READ .. OTHERS_EXECUTE, highest bit first.
      mode |= 1 << (8 - p.ordinal());
    }
    return String.format("0%03o", mode);
  }

  /**
   * A one-line reason for an I/O failure on {@code subject}, without a stack trace or file
   * contents; it names the file only when the failure was on another one (a parent directory, say).
   */
  static String describe(IOException e, Path subject) {
    String what =
        switch (e) {
          case NoSuchFileException _ -> "no such file or directory";
          case AccessDeniedException _ -> "permission denied";
          case NotDirectoryException _ -> "not a directory";
          case FileAlreadyExistsException _ -> "exists and is not a directory";
          case FileSystemException x when x.getReason() != null -> x.getReason();
          default ->
              e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        };
    return e instanceof FileSystemException f
            && f.getFile() != null
            && !f.getFile().equals(subject.toString())
        ? what + " (" + f.getFile() + ")"
        : what;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
