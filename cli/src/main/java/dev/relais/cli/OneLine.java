package dev.relais.cli;

/**
 * Text from the input files made safe for one line of a terminal or of a YAML comment. Diagnostics
 * quote what a file says, and their warnings are copied above the YAML as {@code #} comments: a
 * character that a YAML parser reads as a line break (CR, LF, NEL U+0085, U+2028, U+2029) would end
 * the comment and let a crafted ha.cf add keys or whole documents to what {@code kubectl apply}
 * gets, and an escape sequence would drive the user's terminal.
 */
final class OneLine {
  private OneLine() {}

  /**
   * Keeps printable ASCII and printable non-ASCII characters (letters, digits, marks, symbols,
   * punctuation, spaces); writes every other one as an escape: {@code \n}, {@code \r}, {@code \t},
   * else a backslash, {@code u} and four hex digits (a backslash, {@code U} and eight beyond the
   * BMP). A backslash becomes two, so the result reads back unambiguously. Escaped: C0 and C1
   * controls and DEL, line and paragraph separators, format characters (bidirectional overrides,
   * zero-width and tag characters, the BOM, which YAML forbids inside a comment), lone surrogates,
   * private-use and unassigned code points (among them U+FFFE and U+FFFF, which YAML forbids).
   */
  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (kept(c)) b.appendCodePoint(c);
              else b.append(escaped(c));
            });
    return b.toString();
  }

  private static boolean kept(int c) {
    if (c < 0xa0) return c >= 0x20 && c < 0x7f && c != '\\';
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED ->
          false;
      default -> true;
    };
  }

  private static String escaped(int c) {
    return switch (c) {
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      case '\\' -> "\\\\";
      default -> c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c);
    };
  }
}
