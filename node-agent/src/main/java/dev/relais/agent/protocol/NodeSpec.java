package dev.relais.agent.protocol;

/**
 * A cluster member: its name (the Kubernetes node name), its priority (higher wins) and how many
 * heartbeat paths (heartbeat's media) connect it to the others.
 */
public record NodeSpec(String name, int priority, int paths) {
  /** Wire limits: names are length-prefixed with one byte, priority is an unsigned short. */
  public NodeSpec {
    WireNames.check("node name", name);
    if (priority < 0 || priority > 0xFFFF) {
      throw new IllegalArgumentException("priority " + priority + " out of 0..65535");
    }
    if (paths < 1 || paths > 16) {
      throw new IllegalArgumentException("paths " + paths + " out of 1..16");
    }
  }
}
