package dev.relais.agent.dataplane;

import dev.relais.agent.dataplane.NetlinkMessages.AddressEntry;
import dev.relais.agent.dataplane.NetlinkMessages.LinkEntry;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns rtnetlink multicast into {@link DataplaneEvent}s and keeps the interface cache fresh. Runs
 * on the monitor thread; {@link #linkState} and {@link #lost} also serve the resync that follows a
 * monitor overflow.
 */
final class KernelEvents implements Consumer<ByteBuffer> {
  private static final Logger LOG = LoggerFactory.getLogger(KernelEvents.class);

  private final DataplaneListener listener;
  private final HeldVips held;
  private final Map<String, Device> devices;
  private final Map<String, LinkState> tracked = new ConcurrentHashMap<>();
  private final Consumer<HeldVips.Held> confirmLoss;

  /**
   * {@code confirmLoss} checks on the ops thread whether a held VIP is really gone: a delete
   * notification can arrive after our own remove-then-install, for an address that is back.
   */
  KernelEvents(
      DataplaneListener listener,
      HeldVips held,
      Map<String, Device> devices,
      Consumer<HeldVips.Held> confirmLoss) {
    this.listener = listener;
    this.held = held;
    this.devices = devices;
    this.confirmLoss = confirmLoss;
  }

  @Override
  public void accept(ByteBuffer message) {
    int type = message.getShort(message.position() + 4) & 0xFFFF;
    switch (type) {
      case NetlinkMessages.RTM_NEWLINK, NetlinkMessages.RTM_DELLINK -> {
        LinkEntry link = NetlinkMessages.parseLink(message);
        if (type == NetlinkMessages.RTM_DELLINK) {
          devices.remove(link.name());
          linkState(link.name(), LinkState.ABSENT);
        } else {
          devices.put(link.name(), Device.of(link));
          linkState(link.name(), link.state());
        }
      }
      case NetlinkMessages.RTM_DELADDR -> {
        AddressEntry entry = NetlinkMessages.parseAddress(message);
        held.find(entry.index(), entry.address()).ifPresent(confirmLoss);
      }
      default -> {}
    }
  }

  /** Replaces the tracked set with these states (as just read from the kernel). */
  void track(Map<String, LinkState> states) {
    tracked.keySet().retainAll(states.keySet());
    tracked.putAll(states);
  }

  Set<String> tracked() {
    return Set.copyOf(tracked.keySet());
  }

  LinkState current(String name) {
    return Optional.ofNullable(devices.get(name)).map(Device::state).orElse(LinkState.ABSENT);
  }

  /** Reports a tracked interface whose state differs from the last one reported. */
  void linkState(String name, LinkState state) {
    if (!tracked.containsKey(name)) {
      return;
    }
    LinkState before = tracked.put(name, state);
    if (before != state) {
      emit(new DataplaneEvent.LinkChanged(name, state));
    }
  }

  /** Reports a held VIP that the kernel no longer has, once. */
  void lost(HeldVips.Held entry) {
    if (held.forget(entry)) {
      emit(new DataplaneEvent.VipRemoved(entry.vip));
    }
  }

  private void emit(DataplaneEvent event) {
    LOG.info("data plane event {}", event);
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.error("data plane listener failed on {}", event, e);
    }
  }
}
