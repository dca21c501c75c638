package dev.relais.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relais.api.v1alpha1.AnnounceSpec;
import dev.relais.api.v1alpha1.FailbackPolicy;
import dev.relais.api.v1alpha1.FailbackSpec;
import dev.relais.api.v1alpha1.HeartbeatSpec;
import dev.relais.api.v1alpha1.RouterClusterSpec;
import dev.relais.api.v1alpha1.Transport;

/**
 * Applies the CRD's schema defaults to a copy of a spec, as a real API server does before it
 * validates. The mock API server and local files get no defaulting, so every reader goes through
 * here; a test holds these values equal to the {@code default:} entries of the generated CRD.
 */
public final class SpecDefaults {
  private static final ObjectMapper COPIER = new ObjectMapper();

  private SpecDefaults() {}

  public static RouterClusterSpec applied(RouterClusterSpec spec) {
    RouterClusterSpec copy = COPIER.convertValue(spec, RouterClusterSpec.class);
    HeartbeatSpec hb = copy.heartbeat == null ? new HeartbeatSpec() : copy.heartbeat;
    if (hb.keepaliveMs == null) hb.keepaliveMs = HeartbeatSpec.DEFAULT_KEEPALIVE_MS;
    if (hb.deadTimeMs == null) hb.deadTimeMs = HeartbeatSpec.DEFAULT_DEADTIME_MS;
    if (hb.port == null) hb.port = HeartbeatSpec.DEFAULT_PORT;
    if (hb.transport == null) hb.transport = Transport.Unicast;
    copy.heartbeat = hb;
    FailbackSpec fb = copy.failback == null ? new FailbackSpec() : copy.failback;
    if (fb.policy == null) fb.policy = FailbackPolicy.Auto;
    copy.failback = fb;
    AnnounceSpec an = copy.announce == null ? new AnnounceSpec() : copy.announce;
    if (an.count == null) an.count = AnnounceSpec.DEFAULT_COUNT;
    if (an.intervalMs == null) an.intervalMs = AnnounceSpec.DEFAULT_INTERVAL_MS;
    if (an.refreshSeconds == null) an.refreshSeconds = AnnounceSpec.DEFAULT_REFRESH_SECONDS;
    copy.announce = an;
    if (copy.addressLifetimeSeconds == null) {
      copy.addressLifetimeSeconds = RouterClusterSpec.DEFAULT_ADDRESS_LIFETIME_SECONDS;
    }
    return copy;
  }
}
