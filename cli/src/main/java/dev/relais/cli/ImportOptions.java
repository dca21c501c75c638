package dev.relais.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The choices of {@code relais import}.
 *
 * @param name RouterCluster name; default ha.cf's {@code cluster}, else {@code heartbeat}
 * @param namespace namespace of both objects; empty leaves it to kubectl
 * @param nodeAddresses {@code --node-address NAME=IP}, in the order given
 * @param strict warnings (what cannot be mapped) become errors
 * @param generateKeys replace keys too short for HMAC-SHA256 with fresh random ones
 */
public record ImportOptions(
    Optional<String> name,
    Optional<String> namespace,
    Map<String, String> nodeAddresses,
    boolean strict,
    boolean generateKeys) {
  public ImportOptions {
    nodeAddresses = Collections.unmodifiableMap(new LinkedHashMap<>(nodeAddresses));
  }

  public static ImportOptions defaults() {
    return new ImportOptions(Optional.empty(), Optional.empty(), Map.of(), false, false);
  }
}
