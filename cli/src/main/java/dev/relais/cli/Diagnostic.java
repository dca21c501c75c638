package dev.relais.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One finding of an import, tied to where it comes from: a file of the heartbeat directory and a
 * line (0 when it concerns the whole file or a command-line option). The message may quote the
 * input as written; {@link #toString()}, the only form printed, escapes it onto one safe line.
 */
public record Diagnostic(Severity severity, String file, int line, String message) {
  public static final String HA_CF = "ha.cf";
  public static final String AUTHKEYS = "authkeys";
  public static final String HARESOURCES = "haresources";

  /** ERROR stops the import; WARNING is a loss of meaning (an error with --strict); NOTE is not. */
  public enum Severity {
    ERROR,
    WARNING,
    NOTE
  }

  public static Diagnostic error(String file, int line, String message) {
    return new Diagnostic(Severity.ERROR, file, line, message);
  }

  public static Diagnostic warning(String file, int line, String message) {
    return new Diagnostic(Severity.WARNING, file, line, message);
  }

  public static Diagnostic note(String file, int line, String message) {
    return new Diagnostic(Severity.NOTE, file, line, message);
  }

  public Diagnostic withSeverity(Severity severity) {
    return new Diagnostic(severity, file, line, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** Files in the order heartbeat reads them, then by line: the order a user fixes them in. */
  public static List<Diagnostic> sorted(List<Diagnostic> diagnostics) {
    return diagnostics.stream()
        .sorted(
            Comparator.comparingInt((Diagnostic d) -> fileRank(d.file()))
                .thenComparing(Diagnostic::file)
                .thenComparingInt(Diagnostic::line))
        .toList();
  }

  private static int fileRank(String file) {
    return switch (file) {
      case HA_CF -> 0;
      case AUTHKEYS -> 1;
      case HARESOURCES -> 2;
      default -> 3;
    };
  }

  /**
   * As compilers print it: {@code ha.cf:12: warning: ...}, always one line without control
   * characters ({@link OneLine}): it goes to a terminal and, for warnings, into a YAML comment.
   */
  @Override
  public String toString() {
    return OneLine.escape(file)
        + (line > 0 ? ":" + line : "")
        + ": "
        + severity.name().toLowerCase(Locale.ROOT)
        + ": "
        + OneLine.escape(message);
  }
}
