package dev.relais.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OneLineTest {
  @Test
  void everyLineBreakAYamlParserKnowsIsEscaped() {
    assertThat(OneLine.escape("a\nb\rc\u0085d\u2028e\u2029f"))
        .isEqualTo("a\\nb\\rc\\u0085d\\u2028e\\u2029f");
  }

  @Test
  void controlAndFormatCharactersAreEscaped() {
    assertThat(OneLine.escape("\u0000\t\u000b\u000c\u001b[2J\u007f\u009b"))
        .isEqualTo("\\u0000\\t\\u000b\\u000c\\u001b[2J\\u007f\\u009b");
    // bidirectional override, zero-width space, BOM, soft hyphen, a tag character
    assertThat(OneLine.escape("\u202e\u200b\ufeff\u00ad\udb40\udc41"))
        .isEqualTo("\\u202e\\u200b\\ufeff\\u00ad\\U000e0041");
  }

  @Test
  void loneSurrogatesNonCharactersAndPrivateUseAreEscaped() {
    assertThat(OneLine.escape("\ud800x\uffff\ufffe\ue000"))
        .isEqualTo("\\ud800x\\uffff\\ufffe\\ue000");
  }

  @Test
  void aBackslashIsDoubledSoTheResultReadsBackUnambiguously() {
    assertThat(OneLine.escape("a\\u2028")).isEqualTo("a\\\\u2028");
  }

  @Test
  void printableTextIsKeptAsItIs() {
    String text = "maître 'esclave' : 192.168.200.10/24 – 東京 \u00a0 \ud83d\ude00 ~";
    assertThat(OneLine.escape(text)).isEqualTo(text);
  }
}
