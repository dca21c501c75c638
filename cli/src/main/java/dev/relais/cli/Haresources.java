package dev.relais.cli;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** heartbeat's haresources (heartbeat-3.md §4.1): one resource group per logical line. */
public record Haresources(int lineCount, List<ResourceGroup> groups, List<Diagnostic> diagnostics) {
  public Haresources {
    groups = List.copyOf(groups);
    diagnostics = List.copyOf(diagnostics);
  }

  /** {@code preferred-node res1 res2 ...}; line is where the logical line starts. */
  public record ResourceGroup(String preferredNode, List<Resource> resources, int line) {
    public ResourceGroup {
      resources = List.copyOf(resources);
    }
  }

  /** One resource of a group, with the physical line it is written on. */
  public sealed interface Resource {
    String text();

    int line();

    /**
     * An IPaddr or IPaddr2 address: {@code ip[/mask[/nic[:label]][/broadcast]]}. Prefix and
     * interface are empty where heartbeat found them from the routing table (findif).
     */
    record Vip(
        Agent agent,
        InetAddress address,
        OptionalInt prefix,
        Optional<String> iface,
        Optional<String> label,
        Optional<InetAddress> broadcast,
        String text,
        int line)
        implements Resource {}

    /** Any other resource agent or script (Filesystem, httpd, drbddisk, SendArp...). */
    record Other(String agent, String text, int line) implements Resource {}
  }

  /** The two address agents: IPaddr (net-tools alias NIC:N) and IPaddr2 (iproute2). */
  public enum Agent {
    IPADDR("IPaddr"),
    IPADDR2("IPaddr2");

    private final String scriptName;

    Agent(String scriptName) {
      this.scriptName = scriptName;
    }

    public String scriptName() {
      return scriptName;
    }
  }
}
