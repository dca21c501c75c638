package dev.relais.agent.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Big-endian reads, a writer over a caller's array, and the SHA-256 ids of names on the wire. */
final class WireBytes {
  private WireBytes() {}

  static int u16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }

  static long u32(byte[] b, int p) {
    return ((long) u16(b, p) << 16) | u16(b, p + 2);
  }

  static long u48(byte[] b, int p) {
    return ((long) u16(b, p) << 32) | u32(b, p + 2);
  }

  static long u64(byte[] b, int p) {
    return (u32(b, p) << 32) | u32(b, p + 4);
  }

  /** An unsigned big-endian field of {@code n} (1 to 8) bytes. */
  static long uN(byte[] b, int p, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | (b[p + i] & 0xFF);
    }
    return v;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The first 8 bytes of the SHA-256 of {@code bytes}, big-endian. */
  static long tag64(byte[] bytes) {
    try {
      return u64(MessageDigest.getInstance("SHA-256").digest(bytes), 0);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A node or group name's 32-bit id: the first 4 bytes of the SHA-256 of its UTF-8 form. */
  static int id32(String name) {
    return (int) (tag64(utf8(name)) >>> 32);
  }

  /** Big-endian writer over a caller's array. */
  static final class Writer {
    private final byte[] out;
    int pos;

    Writer(byte[] out, int pos) {
      this.out = out;
      this.pos = pos;
    }

    void u8(int v) {
      out[pos++] = (byte) v;
    }

    void u16(int v) {
      u8(v >>> 8);
      u8(v);
    }

    void u32(int v) {
      u16(v >>> 16);
      u16(v);
    }

    void u48(long v) {
      u16((int) (v >>> 32));
      u32((int) v);
    }

    void u64(long v) {
      u32((int) (v >>> 32));
      u32((int) v);
    }

    /** The low {@code n} bytes of {@code v}, big-endian. */
    void uN(long v, int n) {
      for (int i = n - 1; i >= 0; i--) {
        u8((int) (v >>> (8 * i)));
      }
    }
  }
}
