package dev.switchover.migration.qapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** QEMU's way of writing JSON, and strict, bounded reading with clean error texts. */
class QmpJsonTest {

    @Test
    void writesOneLineWithQemuSpacingInMemberOrder() {
        ObjectNode reply = QmpJson.object();
        reply.putObject("return").put("status", "running").put("singlestep", false).put("running", true);
        reply.putArray("id").add(1).addNull().add(QmpJson.object()).add(QmpJson.array());
        assertThat(QmpJson.write(reply))
                .isEqualTo("{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, "
                        + "\"id\": [1, null, {}, []]}");
        assertThat(QmpJson.write(QmpJson.object())).isEqualTo("{}");
        assertThat(QmpJson.write(QmpJson.array())).isEqualTo("[]");
    }

    @Test
    void escapesToAsciiLikeQemu() {
        assertThat(QmpJson.write(QmpJson.object().put("s", "a\"b\\c\n\r\t\b\f\u0001\u007fé😀/").get("s")))
                .isEqualTo("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u007F\\u00E9\\uD83D\\uDE00/\"");
        assertThat(QmpJson.write(QmpJson.array().add("\ud800"))).isEqualTo("[\"\\uD800\"]"); // a lone surrogate
    }

    @ParameterizedTest
    @CsvSource({
            "1990.675985559567, 1990.675985559567",
            "1073.93616, 1073.93616",
            "0.0, 0",
            "-0.0, 0",
            "1073.0, 1073",
            "0.0001, 0.0001",
            "0.00001, 1e-05",
            "1.5e-7, 1.5e-07",
            "1e16, 10000000000000000",
            "1e17, 1e+17",
            "1.8446744073709552E19, 1.8446744073709552e+19",
            "-2.5, -2.5",
            "1.7976931348623157E308, 1.7976931348623157e+308",
    })
    void writesDoublesWithShortestRoundTripDigits(double value, String text) {
        assertThat(QmpJson.formatDouble(value)).isEqualTo(text);
        assertThat(QmpJson.write(QmpJson.object().put("d", value))).isEqualTo("{\"d\": " + text + "}");
    }

    @Test
    void everyDoubleReadsBackAsTheSameValue() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(d)) {
                assertThat(QmpJson.parse(QmpJson.formatDouble(d)).doubleValue()).as("round trip of %s", d)
                        .isEqualTo(d == 0 ? 0.0 : d);
            }
        }
    }

    @Test
    void refusesToWriteNonFiniteNumbers() {
        assertThatThrownBy(() -> QmpJson.write(QmpJson.object().put("d", Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
    }

    @Test
    void readsMembersInOrderAndIntegersExactly() throws Exception {
        JsonNode v = QmpJson.parse("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:h:1\"}, \"id\": 7}");
        assertThat(v.properties()).extracting(e -> e.getKey()).containsExactly("execute", "arguments", "id");
        assertThat(v.get("id").isIntegralNumber()).isTrue();
        assertThat(QmpJson.parse("9223372036854775807").longValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(QmpJson.parse("-9223372036854775808").longValue()).isEqualTo(Long.MIN_VALUE);
        JsonNode uint64 = QmpJson.parse("18446744073709551615");
        assertThat(uint64.bigIntegerValue()).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(QmpJson.write(uint64)).isEqualTo("18446744073709551615");
        assertThat(QmpJson.parse("1073.93616").isDouble()).isTrue();
        assertThat(QmpJson.parse("1e3").doubleValue()).isEqualTo(1000.0);
        assertThat(QmpJson.typeName(QmpJson.parse("1"))).isEqualTo("integer");
        assertThat(QmpJson.typeName(QmpJson.parse("1.5"))).isEqualTo("number");
    }

    @Test
    void writtenDocumentsParseBackEqual() throws Exception {
        ObjectNode o = QmpJson.object().put("s", "x\u0000y").put("l", Long.MIN_VALUE).put("d", 0.1).putNull("n");
        o.putArray("a").add("a").add("b");
        assertThat(QmpJson.parse(QmpJson.write(o))).isEqualTo(o);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"a\": 1, \"a\": 2}|duplicate member 'a' at offset 12",
            "{\"execute\": bad}|invalid keyword 'bad' at offset 12",
            "[1, café]|invalid keyword 'café' at offset 4",
            "{\"a\": 1,}|expecting a member name (a string), found '}' at offset 8",
            "{\"a\" 1}|expecting ':' after member name, found '1' at offset 5",
            "{\"a\": 1 \"b\": 2}|expecting ',' or '}' in object, found '\"' at offset 8",
            "[1 2]|expecting ',' or ']' in array, found '2' at offset 3",
            "[1}|expecting ',' or ']' in array, found '}' at offset 2",
            "[1,]|expecting value, found ']' at offset 3",
            "}|expecting value, found '}' at offset 0",
            "\"\\q\"|invalid escape '\\q' at offset 1",
            "\"\\u12x4\"|invalid \\u escape, found 'x' at offset 5",
            "12abc|expecting the end of the value, found 'a' at offset 2",
            "{\"a\": 1]|expecting ',' or '}' in object, found ']' at offset 7",
            "[1.]|invalid number, found ']' at offset 3",
            "[1e999]|number '1e999' out of range at offset 1",
            "012|invalid number at offset 0",
            "[1] 2|unexpected '2' after the value at offset 4",
            "{\"a\": tru|invalid keyword 'tru' at offset 6",
            "[|unexpected end of input at offset 1",
    })
    void rejectsMalformedInputNamingProblemAndOffset(String text, String message) {
        assertThatThrownBy(() -> QmpJson.parse(text)).isInstanceOf(MalformedJsonException.class).hasMessage(message);
    }

    @Test
    void controlCharactersAreNamedWithoutRawBytes() {
        assertThatThrownBy(() -> QmpJson.parse("\"a\nb\"")).hasMessage("control character U+000A in string at offset 2");
        assertThatThrownBy(() -> QmpJson.parse("\u0001")).hasMessage("unexpected '\\u0001' at offset 0");
    }

    @Test
    void truncatesHostileTokensInMessages() {
        assertThatThrownBy(() -> QmpJson.parse("x".repeat(1000))).hasMessage("invalid keyword '" + "x".repeat(32)
                + "...' at offset 0");
    }

    @Test
    void boundsNestingDepthAndSize() {
        assertThatThrownBy(() -> QmpJson.parse("[".repeat(65) + "]".repeat(65)))
                .hasMessage("nesting deeper than 64 levels at offset 64");
        assertThatThrownBy(() -> QmpJson.parse("\"" + "x".repeat(1 << 20) + "\""))
                .hasMessageStartingWith("document larger than 1048576 bytes");
    }
}
