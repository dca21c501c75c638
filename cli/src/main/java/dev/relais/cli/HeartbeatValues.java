package dev.relais.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** heartbeat's value syntax in ha.cf (heartbeat-3.md §3.1): times, booleans, numbers. */
final class HeartbeatValues {
  private static final Pattern TIME =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ms|msec|us|usec)?");

  private HeartbeatValues() {}

  /** heartbeat's time syntax: decimal, default unit seconds, ms/msec or us/usec suffix. */
  static Optional<Duration> parseTime(String text) {
    var m = TIME.matcher(text);
    if (!m.matches()) return Optional.empty();
    long nanosPerUnit =
        switch (m.group(2) == null ? "" : m.group(2)) {
          case "ms", "msec" -> 1_000_000L;
          case "us", "usec" -> 1_000L;
          default -> 1_000_000_000L;
        };
    var nanos =
        new BigDecimal(m.group(1))
            .multiply(BigDecimal.valueOf(nanosPerUnit))
            .setScale(0, RoundingMode.UP);
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) return Optional.empty();
    return Optional.of(Duration.ofNanos(nanos.longValueExact()));
  }

  /** heartbeat's booleans: true/on/yes/y/1 and false/off/no/n/0, any case. */
  static Optional<Boolean> bool(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "on", "yes", "y", "1" -> Optional.of(true);
      case "false", "off", "no", "n", "0" -> Optional.of(false);
      default -> Optional.empty();
    };
  }

  static Optional<Integer> port(String text) {
    return number(text, 1, 65535);
  }

  static Optional<Integer> number(String text, int min, int max) {
    if (text.isEmpty() || text.length() > 6 || !text.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    int n = Integer.parseInt(text);
    return n >= min && n <= max ? Optional.of(n) : Optional.empty();
  }
}
