package dev.relais.lab.api;

import java.time.Duration;

/**
 * Ages as kubectl shows them ("42s", "3m12s", "2h5m", "3d"): the rules of apimachinery's {@code
 * duration.HumanDuration}, which a real API server applies to a Table's date columns.
 */
final class HumanDuration {
  private HumanDuration() {}

  static String of(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < -1) return "<invalid>";
    if (seconds < 0) return "0s";
    if (seconds < 120) return seconds + "s";
    long minutes = d.toMinutes();
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 180) return minutes + "m";
    long hours = d.toHours();
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) return hours + "h";
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? (hours / 24) + "d" : (hours / 24) + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) return (hours / 24) + "d";
    return (hours / 24 / 365) + "y";
  }
}
