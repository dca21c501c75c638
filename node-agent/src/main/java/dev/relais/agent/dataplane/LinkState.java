package dev.relais.agent.dataplane;

/** Usable state of an interface. */
public enum LinkState {
  UP,
  DOWN,
  ABSENT
}
