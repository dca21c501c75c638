package dev.relais.agent.protocol;

/** This node's role for one VIP group (keepalived's vocabulary plus heartbeat's standby). */
public enum GroupRole {
  /** Not yet allowed to act: neither heard the cluster nor waited out initDead. */
  INIT,
  /** Holds nothing, ready to take over. */
  BACKUP,
  /** Holds the VIP. */
  MASTER,
  /** Holds nothing because a tracked interface or every ping target is lost. */
  FAULT,
  /** Holds nothing because the node is in maintenance. */
  STANDBY,
  /** Holds nothing and is shutting down. */
  STOPPED
}
