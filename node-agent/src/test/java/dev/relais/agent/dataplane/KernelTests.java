package dev.relais.agent.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relais.agent.netns.NetnsLab;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the kernel tests. */
final class KernelTests {
  private KernelTests() {}

  /** Waits for an operation and returns its value, failing the test with the error's message. */
  static <T> T ok(CompletableFuture<DataplaneResult<T>> future) throws Exception {
    DataplaneResult<T> result = future.get(10, TimeUnit.SECONDS);
    return switch (result) {
      case DataplaneResult.Ok<T>(T value) -> value;
      case DataplaneResult.Failed<T>(DataplaneError error) ->
          throw new AssertionError("expected success, got " + error.message());
    };
  }

  static DataplaneError failed(CompletableFuture<? extends DataplaneResult<?>> future)
      throws Exception {
    DataplaneResult<?> result = future.get(10, TimeUnit.SECONDS);
    assertThat(result).isInstanceOf(DataplaneResult.Failed.class);
    return ((DataplaneResult.Failed<?>) result).error();
  }

  /** The {@code addr_info} entry for an address on a host's LAN interface, as `ip -j` shows it. */
  static Optional<JsonNode> addrInfo(NetnsLab lab, String role, String address) {
    for (JsonNode link : lab.ipJson(role, "addr", "show", "dev", NetnsLab.LAN)) {
      for (JsonNode info : link.path("addr_info")) {
        if (info.path("local").asText().equals(address)) {
          return Optional.of(info);
        }
      }
    }
    return Optional.empty();
  }

  /** The link-layer address a host's neighbour table has for an address, if any. */
  static Optional<String> neighbourMac(NetnsLab lab, String role, String address) {
    for (JsonNode entry : lab.ipJson(role, "neigh", "show", address, "dev", NetnsLab.LAN)) {
      if (entry.has("lladdr")) {
        return Optional.of(entry.get("lladdr").asText());
      }
    }
    return Optional.empty();
  }

  static int ifindex(NetnsLab lab, String role) {
    return lab.ipJson(role, "link", "show", NetnsLab.LAN).get(0).get("ifindex").asInt();
  }
}
