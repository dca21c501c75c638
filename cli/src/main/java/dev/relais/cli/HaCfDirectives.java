package dev.relais.cli;

import java.util.Map;

/**
 * ha.cf directives that a RouterCluster does not carry, with the reason shown to the user
 * (heartbeat-3.md §3.2): those without effect on who holds the VIP, and those whose behaviour
 * Relais does not reproduce.
 */
final class HaCfDirectives {
  private HaCfDirectives() {}

  // Directives with no effect on who holds the VIP: read, listed as notes, not mapped.
  static final Map<String, String> NO_EFFECT =
      Map.ofEntries(
          Map.entry("logfacility", "agents log to stdout / the journal"),
          Map.entry("logfile", "agents log to stdout / the journal"),
          Map.entry("debugfile", "agents log to stdout / the journal"),
          Map.entry("use_logd", "agents log to stdout / the journal"),
          Map.entry("conn_logd_time", "agents log to stdout / the journal"),
          Map.entry("debug", "agents log to stdout / the journal"),
          Map.entry("log_badpack", "Relais counts rejected heartbeats in its metrics"),
          Map.entry("apiauth", "Relais has no local client API; status is in the RouterCluster"),
          Map.entry("msgfmt", "Relais has its own wire format"),
          Map.entry("compression", "Relais heartbeats are small and never compressed"),
          Map.entry("compression_threshold", "Relais heartbeats are small and never compressed"),
          Map.entry("traditional_compression", "Relais heartbeats are small and never compressed"),
          Map.entry("hbgenmethod", "Relais keeps no generation file"),
          Map.entry("uuidfrom", "Relais identifies nodes by name"),
          Map.entry("max_rexmit_delay", "Relais heartbeats are never retransmitted"),
          Map.entry("hopfudge", "Relais heartbeats are never forwarded"),
          Map.entry("realtime", "process scheduling is the service manager's job"),
          Map.entry("rtprio", "process scheduling is the service manager's job"),
          Map.entry("memreserve", "process scheduling is the service manager's job"),
          Map.entry("coredumps", "process settings are the service manager's job"),
          Map.entry("baud", "it only sets the speed of serial media"));

  // Directives whose behaviour Relais does not reproduce: warnings (errors with --strict).
  static final Map<String, String> NOT_MAPPED =
      Map.ofEntries(
          Map.entry("serial", "Relais has no serial medium; heartbeats go over UDP only"),
          Map.entry("stonith", "Relais has no STONITH; it fences itself with address lifetimes"),
          Map.entry(
              "stonith_host", "Relais has no STONITH; it fences itself with address lifetimes"),
          Map.entry("watchdog", "Relais does not drive a watchdog device"),
          Map.entry("failfast", "Relais runs no programs for the cluster"),
          Map.entry("env", "Relais runs no resource scripts that could read it"),
          Map.entry("hbaping", "Relais pings IP addresses only, not Fibre Channel HBAs"),
          Map.entry("deadping", "Relais has no separate dead time for ping targets"));
}
