package dev.switchover.migration.qapi.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonParserTest {

    @Test
    void parsesAQmpCommandKeepingMemberOrder() throws Exception {
        JsonValue v = JsonParser.parse(
                "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:127.0.0.1:4444\"}, \"id\": 7}");
        assertThat(v).isInstanceOf(JsonObject.class);
        JsonObject o = (JsonObject) v;
        assertThat(o.members().sequencedKeySet()).containsExactly("execute", "arguments", "id");
        assertThat(o.get("id")).contains(new JsonLong(7));
        assertThat(((JsonObject) o.get("arguments").orElseThrow()).get("uri"))
                .contains(new JsonString("tcp:127.0.0.1:4444"));
    }

    @Test
    void keepsIntegersExactAndDecimalsAsDoubles() throws Exception {
        assertThat(JsonParser.parse("9223372036854775807")).isEqualTo(new JsonLong(Long.MAX_VALUE));
        assertThat(JsonParser.parse("-9223372036854775808")).isEqualTo(new JsonLong(Long.MIN_VALUE));
        assertThat(JsonParser.parse("-0")).isEqualTo(new JsonLong(0));
        assertThat(JsonParser.parse("1073.93616")).isEqualTo(new JsonDouble(1073.93616));
        assertThat(JsonParser.parse("1e3")).isEqualTo(new JsonDouble(1000.0));
        assertThat(JsonParser.parse("2.5E-3")).isEqualTo(new JsonDouble(0.0025));
        // QEMU's uint64 "16 EiB": beyond long, kept as a double like QEMU's parser does
        assertThat(JsonParser.parse("18446744073709551615")).isEqualTo(new JsonDouble(1.8446744073709552E19));
    }

    @Test
    void parsesLiteralsArraysAndEmptyContainers() throws Exception {
        assertThat(JsonParser.parse(" [true, false, null, [], {}] ")).isEqualTo(JsonArray.of(JsonBoolean.TRUE,
                JsonBoolean.FALSE, JsonNull.INSTANCE, JsonArray.EMPTY, JsonObject.EMPTY));
    }

    @Test
    void decodesEscapesIncludingSurrogatePairs() throws Exception {
        JsonValue v = JsonParser.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"");
        assertThat(v).isEqualTo(new JsonString("a\"b\\c/d\b\f\n\r\té\uD83D\uDE00"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"a\": 1,}|expecting a member name (a string), found '}' at offset 8",
            "[1, 2,]|expecting value, found ']' at offset 6",
            "01|invalid number '01' (leading zero) at offset 0",
            "1.|invalid number '1.' (no digit after '.') at offset 0",
            "1e|invalid number '1e' (no digit in exponent) at offset 0",
            "-|invalid number '-' at offset 0",
            "{'a': 1}|expecting a member name (a string), found ''' at offset 1",
            "hello|invalid keyword 'hello' at offset 0",
            "{\"a\" 1}|expecting ':' after member name, found '1' at offset 5",
            "{\"a\": 1 \"b\": 2}|expecting ',' or '}' in object, found '\"' at offset 8",
            "[1 2]|expecting ',' or ']' in array, found '2' at offset 3",
            "{\"a\": 1, \"a\": 2}|duplicate member 'a' at offset 9",
            "\"\\x\"|invalid escape '\\x' at offset 1",
            "\"\\u12g4\"|invalid \\u escape, expecting 4 hex digits at offset 1",
            "\"abc|unterminated string starting at offset 0",
            "1e400|number '1e400' out of range at offset 0",
            "{} x|unexpected 'x' after the value at offset 3",
            "}|expecting value, found '}' at offset 0",
            "{\"a\":|expecting value, found end of input at offset 5",
    })
    void rejectsMalformedInputNamingProblemAndOffset(String text, String message) {
        assertThatThrownBy(() -> JsonParser.parse(text))
                .isInstanceOf(JsonParseException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n"})
    void rejectsEmptyInput(String text) {
        assertThatThrownBy(() -> JsonParser.parse(text)).hasMessageStartingWith("expecting value");
    }

    @Test
    void rejectsRawControlCharactersInStrings() {
        assertThatThrownBy(() -> JsonParser.parse("\"a\nb\""))
                .hasMessage("control character U+000A in string at offset 2");
    }

    @Test
    void boundsNestingDepth() throws Exception {
        JsonLimits limits = new JsonLimits(64, 1 << 20);
        String ok = "[".repeat(64) + "]".repeat(64);
        assertThat(JsonParser.parse(ok, limits)).isInstanceOf(JsonArray.class);
        String deep = "[".repeat(65) + "]".repeat(65);
        assertThatThrownBy(() -> JsonParser.parse(deep, limits))
                .isInstanceOf(JsonParseException.class)
                .hasMessage("nesting deeper than 64 levels at offset 64");
        // far too deep must fail the same way, not with a StackOverflowError
        String hostile = "{\"a\":".repeat(100_000);
        assertThatThrownBy(() -> JsonParser.parse(hostile, limits)).hasMessageContaining("nesting deeper than 64");
    }

    @Test
    void boundsDocumentSize() {
        JsonLimits limits = new JsonLimits(64, 16);
        assertThatThrownBy(() -> JsonParser.parse("\"" + "x".repeat(20) + "\"", limits))
                .hasMessage("document larger than 16 characters");
        byte[] bytes = ("[" + "1,".repeat(20) + "1]").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> JsonParser.parse(bytes, bytes.length, limits))
                .hasMessage("document larger than 16 bytes");
    }

    @Test
    void rejectsMalformedUtf8WithItsOffset() {
        byte[] bytes = {'"', 'a', (byte) 0xC3, '"'};
        assertThatThrownBy(() -> JsonParser.parse(bytes, bytes.length, JsonLimits.DEFAULT))
                .hasMessage("invalid UTF-8 at offset 2");
    }

    @Test
    void decodesUtf8Bytes() throws Exception {
        byte[] bytes = "[\"é\", \"😀\"]".getBytes(StandardCharsets.UTF_8);
        assertThat(JsonParser.parse(bytes, bytes.length, JsonLimits.DEFAULT))
                .isEqualTo(JsonArray.ofStrings(List.of("é", "😀")));
    }

    @Test
    void truncatesHostileTokensInMessages() {
        String word = "x".repeat(10_000);
        assertThatThrownBy(() -> JsonParser.parse(word))
                .hasMessage("invalid keyword '" + "x".repeat(32) + "...' at offset 0");
    }
}
