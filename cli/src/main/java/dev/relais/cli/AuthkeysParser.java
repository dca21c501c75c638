package dev.relais.cli;

import static dev.relais.cli.Diagnostic.AUTHKEYS;

import dev.relais.cli.Authkeys.Key;
import dev.relais.cli.Authkeys.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads authkeys text as heartbeat 3.0.6 does (heartbeat-3.md §2.1): {@code #} lines and blank
 * lines skipped, a line starting with {@code a} is {@code auth N}, others {@code N method [key]};
 * the key is the one whitespace-free token after the method. Pure: text in, {@link Authkeys} out.
 * No message quotes a line of the file: a mistyped line may hold a key, so messages name the line
 * and the problem only.
 */
public final class AuthkeysParser {
  /** heartbeat's code accepts indexes 0..15 (its man page says 1..15). */
  static final int MAX_INDEX = 15;

  private static final Pattern AUTH = Pattern.compile("auth\\s+(\\d+)(?:\\s.*)?");
  private static final Pattern KEY = Pattern.compile("(\\d+)\\s+(\\S+)(?:\\s+(\\S+))?(\\s+.*)?");

  private AuthkeysParser() {}

  public static Authkeys parse(String text) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    List<Key> keys = new ArrayList<>();
    Optional<Located<Integer>> active = Optional.empty();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int line = i + 1;
      String s = lines[i].strip();
      if (s.isEmpty() || s.startsWith("#")) continue;
      if (s.startsWith("a")) {
        Matcher m = AUTH.matcher(s);
        Optional<Integer> index = m.matches() ? index(m.group(1)) : Optional.empty();
        if (index.isEmpty()) {
          diagnostics.add(
              Diagnostic.error(AUTHKEYS, line, "expected 'auth N' with N from 0 to " + MAX_INDEX));
        } else {
          active.ifPresent(
              a ->
                  diagnostics.add(
                      Diagnostic.warning(
                          AUTHKEYS,
                          line,
                          "a second auth line (the first is line "
                              + a.line()
                              + "): the later one wins, as in heartbeat")));
          active = Optional.of(new Located<>(index.get(), line));
        }
        continue;
      }
      Matcher m = KEY.matcher(s);
      if (!m.matches() || index(m.group(1)).isEmpty()) {
        diagnostics.add(
            Diagnostic.error(
                AUTHKEYS,
                line,
                "expected 'N method key' with N from 0 to " + MAX_INDEX + " (e.g. 1 sha1 <key>)"));
        continue;
      }
      int index = index(m.group(1)).get();
      Optional<Method> method = method(m.group(2));
      Optional<String> key = Optional.ofNullable(m.group(3));
      if (method.isEmpty()) {
        diagnostics.add(Diagnostic.error(AUTHKEYS, line, unknownMethod(m.group(2))));
        continue;
      }
      if (method.get() == Method.CRC && key.isPresent()) {
        diagnostics.add(
            Diagnostic.error(AUTHKEYS, line, "crc takes no key (heartbeat rejects the file)"));
        continue;
      }
      if (method.get() != Method.CRC && key.isEmpty()) {
        diagnostics.add(
            Diagnostic.error(
                AUTHKEYS,
                line,
                method.get().name().toLowerCase(Locale.ROOT) + " needs a key after the method"));
        continue;
      }
      if (m.group(4) != null) {
        diagnostics.add(
            Diagnostic.warning(
                AUTHKEYS,
                line,
                "text after the key is ignored, as heartbeat does: the key is one word without spaces"));
      }
      Optional<Key> previous = keys.stream().filter(k -> k.index() == index).findFirst();
      if (previous.isPresent()) {
        diagnostics.add(
            Diagnostic.warning(
                AUTHKEYS,
                line,
                "key "
                    + index
                    + " is defined again (first on line "
                    + previous.get().line()
                    + "); the later line wins, as in heartbeat"));
        keys.remove(previous.get());
      }
      keys.add(new Key(index, method.get(), key, line));
    }
    int lineCount = text.endsWith("\n") ? lines.length - 1 : lines.length;
    if (active.isEmpty()) {
      diagnostics.add(
          Diagnostic.error(
              AUTHKEYS,
              lineCount,
              "no 'auth N' line (end of file reached): heartbeat needs one to choose the signing"
                  + " key, e.g. 'auth 1' then '1 sha1 <key>'"));
    } else {
      Located<Integer> a = active.get();
      Optional<Key> signing = keys.stream().filter(k -> k.index() == a.value()).findFirst();
      if (signing.isEmpty() || signing.get().line() < a.line()) {
        diagnostics.add(
            Diagnostic.error(
                AUTHKEYS,
                a.line(),
                "auth "
                    + a.value()
                    + " names no key defined after it: heartbeat rejects the file (Auth Key ["
                    + a.value()
                    + "] not found); add '"
                    + a.value()
                    + " sha1 <key>' below this line"));
      }
    }
    return new Authkeys(lineCount, active, keys, diagnostics);
  }

  /**
   * Names the problem, never the word: {@code 1 sha1KEY} (a missing space) makes the key the
   * method, and these messages reach terminals, CI logs and the YAML header.
   */
  private static String unknownMethod(String word) {
    String lower = word.toLowerCase(Locale.ROOT);
    for (String name : List.of("sha1", "md5")) {
      if (lower.startsWith(name)) {
        return "the method "
            + name
            + " runs into the text after it: put a space between the method and the key"
            + " (the line is not shown, as it holds a key)";
      }
    }
    return "unknown method: heartbeat knows sha1, md5 and crc (the line is not shown, as it may"
        + " hold a key)";
  }

  private static Optional<Integer> index(String digits) {
    if (digits.length() > 2) return Optional.empty();
    int n = Integer.parseInt(digits);
    return n <= MAX_INDEX ? Optional.of(n) : Optional.empty();
  }

  private static Optional<Method> method(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "sha1" -> Optional.of(Method.SHA1);
      case "md5" -> Optional.of(Method.MD5);
      case "crc" -> Optional.of(Method.CRC);
      default -> Optional.empty();
    };
  }
}
