package dev.relais.agent.protocol;

/**
 * A node's own state as it advertises it. Wire codes are the ordinals, so the order is fixed:
 * append only.
 */
public enum NodeStatus {
  /** Started, has neither heard every peer nor waited out initDead: claims nothing. */
  INIT,
  /** Healthy, in service, may own groups. */
  ACTIVE,
  /** In maintenance: hands its groups over and takes none while a healthy peer exists. */
  STANDBY,
  /** A tracked interface is down or every ping target is lost. */
  FAULT,
  /** Shutting down: hands over, then releases; peers take over without waiting for deadTime. */
  LEAVING;

  private static final NodeStatus[] BY_CODE = values();

  static NodeStatus ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
