package dev.switchover.migration.qapi.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonWriterTest {

    @Test
    void writesOneLineWithQemuSpacing() {
        JsonObject reply = JsonObject.builder()
                .put("return", JsonObject.builder().put("status", "running").put("singlestep", false)
                        .put("running", true).build())
                .put("id", JsonArray.of(new JsonLong(1), JsonNull.INSTANCE))
                .build();
        assertThat(JsonWriter.write(reply))
                .isEqualTo("{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, "
                        + "\"id\": [1, null]}");
        assertThat(JsonWriter.write(JsonObject.EMPTY)).isEqualTo("{}");
        assertThat(JsonWriter.write(JsonArray.EMPTY)).isEqualTo("[]");
    }

    @Test
    void escapesToAsciiLikeQemu() {
        assertThat(JsonWriter.write(new JsonString("a\"b\\c\n\r\t\b\f\u0001\u007fé😀/")))
                .isEqualTo("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u007f\\u00e9\\ud83d\\ude00/\"");
    }

    @ParameterizedTest
    @CsvSource({
            "1990.675985559567, 1990.675985559567",
            "1073.93616, 1073.93616",
            "455.34529032258064, 455.34529032258064",
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
        assertThat(JsonWriter.formatDouble(value)).isEqualTo(text);
    }

    @Test
    void everyDoubleReadsBackAsTheSameValue() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            JsonValue back = JsonParser.parse(JsonWriter.formatDouble(d));
            double parsed = switch (back) {
                case JsonDouble x -> x.value();
                case JsonLong x -> x.value();
                default -> throw new AssertionError(back);
            };
            assertThat(parsed).as("round trip of %s", d).isEqualTo(d == 0 ? 0.0 : d);
        }
    }

    @Test
    void refusesNonFiniteNumbers() {
        assertThatThrownBy(() -> JsonWriter.formatDouble(Double.NaN)).hasMessageContaining("finite");
        assertThatThrownBy(() -> new JsonDouble(Double.POSITIVE_INFINITY)).hasMessageContaining("finite");
    }

    @Test
    void writtenDocumentsParseBackEqual() throws Exception {
        JsonObject o = JsonObject.builder()
                .put("s", "x\u0000y")
                .put("l", Long.MIN_VALUE)
                .put("d", 0.1)
                .put("a", JsonArray.ofStrings(List.of("a", "b")))
                .put("n", JsonNull.INSTANCE)
                .build();
        assertThat(JsonParser.parse(JsonWriter.write(o))).isEqualTo(o);
    }
}
