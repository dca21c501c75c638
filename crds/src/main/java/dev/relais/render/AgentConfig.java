package dev.relais.render;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contract between operator and agent: everything one agent needs for one RouterCluster, with
 * every default spelled out and the keys resolved from the Secret. It holds key material, so it is
 * published as a Secret and stored on the host with mode 0600. Versioned by apiVersion/kind.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentConfig(
    String apiVersion, String kind, ClusterRef cluster, RouterClusterSpec spec, Keys keys) {
  public static final String API_VERSION = "relais.dev/v1alpha1";
  public static final String KIND = "AgentConfig";

  /** Which RouterCluster, at which generation, this document was rendered from. */
  public record ClusterRef(String namespace, String name, long generation) {}

  /** Heartbeat keys by id (base64), and the one that signs; every listed key verifies. */
  public record Keys(String activeKeyId, Map<String, String> keys) {
    public Keys {
      keys = new TreeMap<>(keys);
    }

    @Override
    public String toString() {
      return "Keys[activeKeyId=" + activeKeyId + ", ids=" + keys.keySet() + "]";
    }
  }
}
