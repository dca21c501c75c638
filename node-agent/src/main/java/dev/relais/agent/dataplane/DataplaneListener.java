package dev.relais.agent.dataplane;

/**
 * Receives events on the data plane's monitor thread, as they happen. Implementations must not
 * block: hand the event to the runtime's loop and return.
 */
@FunctionalInterface
public interface DataplaneListener {
  void onEvent(DataplaneEvent event);
}
