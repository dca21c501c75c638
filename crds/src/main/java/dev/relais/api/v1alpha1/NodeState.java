package dev.relais.api.v1alpha1;

/** A router's role as its agent reports it (VRRP's vocabulary, plus heartbeat's standby). */
public enum NodeState {
  Master,
  Backup,
  Fault,
  Standby,
  Unknown
}
