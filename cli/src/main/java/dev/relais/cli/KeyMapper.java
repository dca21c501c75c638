package dev.relais.cli;

import static dev.relais.cli.Diagnostic.AUTHKEYS;

import dev.relais.cli.Authkeys.Key;
import dev.relais.render.AgentConfigRenderer;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * authkeys → the auth Secret's entries ({@code "N": key text}). Relais signs with HMAC-SHA256 and
 * needs keys of at least {@link AgentConfigRenderer#MIN_KEY_BYTES} bytes: a crc entry (no key at
 * all) always gets a fresh random key, a shorter sha1/md5 key is an error unless {@code
 * --generate-key} replaces it.
 */
final class KeyMapper {
  /** Generated keys: 32 random bytes (the HMAC-SHA256 block of RFC 2104's advice), as hex. */
  static final int GENERATED_KEY_BYTES = 32;

  private KeyMapper() {}

  static Map<String, String> map(
      Authkeys authkeys, boolean generate, RandomGenerator random, List<Diagnostic> out) {
    Map<String, String> entries = new LinkedHashMap<>();
    authkeys
        .active()
        .ifPresent(
            a ->
                out.add(
                    Diagnostic.note(
                        AUTHKEYS,
                        a.line(),
                        "Relais signs heartbeats with HMAC-SHA256 over its own wire format (heartbeat"
                            + " used HMAC-SHA1/MD5 or crc): heartbeat and Relais nodes cannot talk"
                            + " to each other, so move all routers of a cluster together")));
    for (Key key : authkeys.keys().stream().sorted(Comparator.comparingInt(Key::index)).toList()) {
      String id = Integer.toString(key.index());
      switch (key.method()) {
        case CRC -> {
          entries.put(id, generated(random));
          out.add(
              Diagnostic.warning(
                  AUTHKEYS,
                  key.line(),
                  "key "
                      + id
                      + " is crc, a checksum without a key that gave no security (anyone on the"
                      + " link could forge heartbeats): a random key was generated; Relais signs"
                      + " with HMAC-SHA256, so apply the same Secret to every node"));
        }
        case SHA1, MD5 -> {
          String text = key.text().orElseThrow();
          int bytes = text.getBytes(StandardCharsets.UTF_8).length;
          if (bytes >= AgentConfigRenderer.MIN_KEY_BYTES) {
            entries.put(id, text);
          } else if (generate) {
            entries.put(id, generated(random));
            out.add(
                Diagnostic.warning(
                    AUTHKEYS,
                    key.line(),
                    "key "
                        + id
                        + " has "
                        + bytes
                        + " bytes, too short for HMAC-SHA256: replaced by a random key"
                        + " (--generate-key); every node must receive the new Secret"));
          } else {
            out.add(
                Diagnostic.error(
                    AUTHKEYS,
                    key.line(),
                    "key "
                        + id
                        + " has "
                        + bytes
                        + " bytes; Relais signs with HMAC-SHA256 and needs at least "
                        + AgentConfigRenderer.MIN_KEY_BYTES
                        + ": write a longer key (e.g. openssl rand -hex 32) or rerun with"
                        + " --generate-key"));
          }
        }
      }
    }
    return entries;
  }

  private static String generated(RandomGenerator random) {
    byte[] key = new byte[GENERATED_KEY_BYTES];
    random.nextBytes(key);
    return HexFormat.of().formatHex(key);
  }
}
