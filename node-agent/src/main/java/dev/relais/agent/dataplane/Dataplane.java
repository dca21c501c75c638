package dev.relais.agent.dataplane;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the node agent does to the host's network: VIPs, announcements, link tracking and probes. No
 * method blocks the caller; address and announce operations run in call order on the data plane's
 * own thread, so {@code install(v, l)} immediately followed by {@code announce(v, a)} announces
 * only after the address is in place (and fails with NotHeld if it could not be). Expected failures
 * come back as {@link DataplaneResult.Failed}; futures fail only on bugs. Events go to the {@link
 * DataplaneListener} given when the implementation is opened.
 */
public interface Dataplane extends AutoCloseable {
  /**
   * Adds the VIP, or renews it in place if held (RTM_NEWADDR with NLM_F_REPLACE, never delete and
   * add). IPv6 VIPs skip duplicate address detection. Idempotent.
   */
  CompletableFuture<DataplaneResult<VirtualIp>> install(VirtualIp vip, Lifetime lifetime);

  /** Removes the VIP and stops its refresh; removing an absent VIP is not an error. */
  CompletableFuture<DataplaneResult<VirtualIp>> remove(VirtualIp vip);

  /**
   * At start, before joining: removes any of these addresses found on their interfaces (any prefix
   * or label, e.g. left by a crash) and returns what was removed.
   */
  CompletableFuture<DataplaneResult<List<VirtualIp>>> removeStale(
      Collection<VirtualIp> mustNotHold);

  /** Gratuitous ARP (IPv4) or unsolicited NA (IPv6): a burst, then periodic refresh while held. */
  CompletableFuture<DataplaneResult<VirtualIp>> announce(VirtualIp vip, Announcement announcement);

  /**
   * Reports link changes of exactly these interfaces from now on (replacing the previous set) and
   * returns their current state.
   */
  CompletableFuture<DataplaneResult<Map<String, LinkState>>> track(Set<String> devices);

  /**
   * Duplicate-owner probe: three ARP probes (RFC 5227) or DAD-style neighbor solicitations spread
   * over the window; reports every other MAC that claims the VIP meanwhile.
   */
  CompletableFuture<DataplaneResult<OwnerProbe>> probeOwners(VirtualIp vip, Duration window);

  /** ICMP echo to every member of the group; reachable while any answers within timeout. */
  CompletableFuture<DataplaneResult<Reachability>> ping(PingGroup group, Duration timeout);

  /** Stops threads and closes sockets; installed VIPs stay (their lifetime fences them). */
  @Override
  void close();
}
