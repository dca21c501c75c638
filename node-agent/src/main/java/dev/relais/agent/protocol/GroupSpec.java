package dev.relais.agent.protocol;

/** A VIP group, decided independently of the others, and the node it prefers. */
public record GroupSpec(String name, String preferredNode) {
  public GroupSpec {
    WireNames.check("group name", name);
    WireNames.check("preferred node", preferredNode);
  }
}
