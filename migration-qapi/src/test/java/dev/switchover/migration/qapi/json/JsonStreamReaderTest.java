package dev.switchover.migration.qapi.json;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonStreamReaderTest {

    private static JsonStreamReader reader(String text, JsonLimits limits) {
        return new JsonStreamReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), limits);
    }

    /** Every outcome until the end: a value's JSON, or "error: <message>". */
    private static List<String> drain(JsonStreamReader r) throws IOException {
        List<String> out = new ArrayList<>();
        while (true) {
            try {
                Optional<JsonValue> v = r.next();
                if (v.isEmpty()) {
                    return out;
                }
                out.add(v.get().toJson());
            } catch (JsonParseException e) {
                out.add("error: " + e.getMessage());
            }
        }
    }

    @Test
    void readsDocumentsBackToBackWithOrWithoutSeparators() throws IOException {
        JsonStreamReader r = reader("{\"a\": 1}{\"b\": \"}{\"}[3]\r\n\"s\" 12 true\n\n  null", JsonLimits.DEFAULT);
        assertThat(drain(r)).containsExactly("{\"a\": 1}", "{\"b\": \"}{\"}", "[3]", "\"s\"", "12", "true", "null");
    }

    @Test
    void readsDocumentsDeliveredOneByteAtATime() throws IOException {
        byte[] bytes = "{\"execute\": \"query-status\", \"id\": \"\\\"x\"}\n{\"execute\": \"stop\"}"
                .getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        JsonStreamReader r = new JsonStreamReader(trickle, JsonLimits.DEFAULT);
        assertThat(drain(r)).containsExactly("{\"execute\": \"query-status\", \"id\": \"\\\"x\"}",
                "{\"execute\": \"stop\"}");
    }

    @Test
    void reportsGarbageAndStaysInStep() throws IOException {
        JsonStreamReader r = reader("hello {\"a\": bad} } {\"ok\": 1}\n\u0001[2]", JsonLimits.DEFAULT);
        assertThat(drain(r)).containsExactly(
                "error: invalid keyword 'hello' at offset 0",
                "error: invalid keyword 'bad' at offset 6",
                "error: expecting value, found '}' at offset 0",
                "{\"ok\": 1}",
                "error: unexpected '\\u0001' at offset 0",
                "[2]");
    }

    @Test
    void anUnterminatedStringEndsAtTheLineEnd() throws IOException {
        JsonStreamReader r = reader("{\"execute\": \"oops\n{\"execute\": \"stop\"}", JsonLimits.DEFAULT);
        assertThat(drain(r)).containsExactly("error: control character U+000A in string at offset 17",
                "{\"execute\": \"stop\"}");
    }

    @Test
    void skipsAnOversizedDocumentWithoutStoringItAndReadsTheNext() throws IOException {
        String big = "{\"execute\": \"" + "x".repeat(10_000) + "\", \"nested\": [{\"}\": \"]\"}]}";
        JsonStreamReader r = reader(big + "{\"next\": 1} " + "y".repeat(5_000) + " 7", new JsonLimits(64, 1024));
        assertThat(drain(r)).containsExactly("error: document larger than 1024 bytes", "{\"next\": 1}",
                "error: document larger than 1024 bytes", "7");
    }

    @Test
    void skipsAnOversizedTopLevelString() throws IOException {
        JsonStreamReader r = reader("\"" + "x".repeat(3_000) + "\" [1]", new JsonLimits(64, 1024));
        assertThat(drain(r)).containsExactly("error: document larger than 1024 bytes", "[1]");
    }

    @Test
    void reportsExcessiveNestingAtOnceAndSkipsTheRest() throws IOException {
        String deep = "[".repeat(100) + "]".repeat(100);
        JsonStreamReader r = reader(deep + "{\"after\": true}", new JsonLimits(64, 1 << 20));
        assertThat(drain(r)).containsExactly("error: nesting deeper than 64 levels at offset 64",
                "{\"after\": true}");
    }

    @Test
    void endOfStreamInsideADocumentIsAnEofException() throws Exception {
        JsonStreamReader r = reader("{\"a\": 1} {\"execute\": ", JsonLimits.DEFAULT);
        assertThat(r.next()).contains(JsonObject.builder().put("a", 1).build());
        assertThatThrownBy(r::next).isInstanceOf(EOFException.class).hasMessageContaining("inside a JSON document");
    }

    @Test
    void aCleanEndIsEmpty() throws Exception {
        assertThat(reader("  \n", JsonLimits.DEFAULT).next()).isEmpty();
        assertThat(reader("", JsonLimits.DEFAULT).next()).isEmpty();
    }

    @Test
    void invalidUtf8IsOneError() throws IOException {
        byte[] bytes = {'[', '"', (byte) 0xFF, '"', ']', ' ', (byte) 0xFE, ' ', '1'};
        JsonStreamReader r = new JsonStreamReader(new ByteArrayInputStream(bytes), JsonLimits.DEFAULT);
        assertThat(drain(r)).containsExactly("error: invalid UTF-8 at offset 2", "error: invalid UTF-8 at offset 0",
                "1");
    }
}
