package dev.relais.agent.protocol;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * HMAC-SHA256 keys by one-byte key id. Every listed key verifies; only the active one signs, so a
 * rotation adds the new key everywhere first, then switches the active id, then drops the old key.
 */
public record Keyring(Map<Integer, byte[]> keys, int activeKeyId) {
  /** Shortest accepted key: 128 bits, the HMAC security floor of NIST SP 800-107 §5.3.4. */
  public static final int MIN_KEY_BYTES = 16;

  public Keyring {
    var copy = new TreeMap<Integer, byte[]>();
    keys.forEach(
        (id, key) -> {
          if (id < 0 || id > 0xFF) {
            throw new IllegalArgumentException("key id " + id + " out of 0..255");
          }
          if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                "key " + id + " shorter than " + MIN_KEY_BYTES + " bytes");
          }
          copy.put(id, key.clone());
        });
    if (!copy.containsKey(activeKeyId)) {
      throw new IllegalArgumentException("active key id " + activeKeyId + " is not in the ring");
    }
    keys = Collections.unmodifiableMap(copy);
  }

  /** A copy of one key's bytes. */
  byte[] key(int id) {
    return keys.get(id).clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Keyring other) || other.activeKeyId != activeKeyId) {
      return false;
    }
    if (!other.keys.keySet().equals(keys.keySet())) {
      return false;
    }
    for (var e : keys.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.keys.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return keys.keySet().hashCode() * 31 + activeKeyId;
  }

  /** Never prints key material. */
  @Override
  public String toString() {
    return "Keyring[ids=" + keys.keySet() + ", active=" + activeKeyId + "]";
  }
}
