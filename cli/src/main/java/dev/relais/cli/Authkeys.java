package dev.relais.cli;

import java.util.List;
import java.util.Optional;

/** heartbeat's authkeys (heartbeat-3.md §2.1): the signing index and every defined key. */
public record Authkeys(
    int lineCount,
    Optional<Located<Integer>> active,
    List<Key> keys,
    List<Diagnostic> diagnostics) {

  public Authkeys {
    keys = List.copyOf(keys);
    diagnostics = List.copyOf(diagnostics);
  }

  /** heartbeat's digest methods: HMAC-SHA1, HMAC-MD5, or a CRC without a key. */
  public enum Method {
    SHA1,
    MD5,
    CRC
  }

  /** One {@code N method [key]} line; the key text is empty for crc only. */
  public record Key(int index, Method method, Optional<String> text, int line) {}

  public Optional<Key> key(int index) {
    return keys.stream().filter(k -> k.index() == index).findFirst();
  }
}
