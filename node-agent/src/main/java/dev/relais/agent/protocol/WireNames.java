package dev.relais.agent.protocol;

import java.nio.charset.StandardCharsets;

/** Names travel as one length byte plus UTF-8, so they must fit in 255 bytes. */
final class WireNames {
  static final int MAX_BYTES = 255;

  private WireNames() {}

  static void check(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new IllegalArgumentException(what + " longer than " + MAX_BYTES + " bytes: " + name);
    }
  }
}
