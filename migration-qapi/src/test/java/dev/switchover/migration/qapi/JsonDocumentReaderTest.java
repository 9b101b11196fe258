package dev.switchover.migration.qapi;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
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

class JsonDocumentReaderTest {

    private static JsonDocumentReader reader(String text, StreamReadConstraints limits) {
        return new JsonDocumentReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), limits);
    }

    /** Every outcome until the end: a value's JSON, or "error: <message>". */
    private static List<String> drain(JsonDocumentReader r) throws IOException {
        List<String> out = new ArrayList<>();
        while (true) {
            try {
                Optional<JsonNode> v = r.next();
                if (v.isEmpty()) {
                    return out;
                }
                out.add(QmpJson.write(v.get()));
            } catch (MalformedJsonException e) {
                out.add("error: " + e.getMessage());
            }
        }
    }

    @Test
    void readsDocumentsBackToBackWithOrWithoutSeparators() throws IOException {
        JsonDocumentReader r = reader("{\"a\": 1}{\"b\": \"}{\"}[3]\r\n\"s\" 12 true\n\n  null", QmpJson.DEFAULT_LIMITS);
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
        JsonDocumentReader r = new JsonDocumentReader(trickle, QmpJson.DEFAULT_LIMITS);
        assertThat(drain(r)).containsExactly("{\"execute\": \"query-status\", \"id\": \"\\\"x\"}",
                "{\"execute\": \"stop\"}");
    }

    @Test
    void reportsGarbageAndStaysInStep() throws IOException {
        JsonDocumentReader r = reader("hello {\"a\": bad} } {\"ok\": 1}\n\u0001[2] {\"a\": 1, \"a\": 2} 3",
                QmpJson.DEFAULT_LIMITS);
        assertThat(drain(r)).containsExactly(
                "error: invalid keyword 'hello' at offset 0",
                "error: invalid keyword 'bad' at offset 6",
                "error: expecting value, found '}' at offset 0",
                "{\"ok\": 1}",
                "error: unexpected '\\u0001' at offset 0",
                "[2]",
                "error: duplicate member 'a' at offset 12",
                "3");
    }

    @Test
    void anUnterminatedStringEndsAtTheLineEnd() throws IOException {
        JsonDocumentReader r = reader("{\"execute\": \"oops\n{\"execute\": \"stop\"}", QmpJson.DEFAULT_LIMITS);
        assertThat(drain(r)).containsExactly("error: control character U+000A in string at offset 17",
                "{\"execute\": \"stop\"}");
    }

    @Test
    void skipsAnOversizedDocumentWithoutStoringItAndReadsTheNext() throws IOException {
        String big = "{\"execute\": \"" + "x".repeat(10_000) + "\", \"nested\": [{\"}\": \"]\"}]}";
        JsonDocumentReader r = reader(big + "{\"next\": 1} " + "y".repeat(5_000) + " 7", QmpJson.limits(64, 1024));
        assertThat(drain(r)).containsExactly("error: document larger than 1024 bytes", "{\"next\": 1}",
                "error: document larger than 1024 bytes", "7");
    }

    @Test
    void skipsAnOversizedTopLevelString() throws IOException {
        JsonDocumentReader r = reader("\"" + "x".repeat(3_000) + "\" [1]", QmpJson.limits(64, 1024));
        assertThat(drain(r)).containsExactly("error: document larger than 1024 bytes", "[1]");
    }

    @Test
    void reportsExcessiveNestingAtOnceAndSkipsTheRest() throws IOException {
        String deep = "[".repeat(100) + "]".repeat(100);
        JsonDocumentReader r = reader(deep + "{\"after\": true}", QmpJson.limits(64, 1 << 20));
        assertThat(drain(r)).containsExactly("error: nesting deeper than 64 levels at offset 64",
                "{\"after\": true}");
    }

    @Test
    void endOfStreamInsideADocumentIsAnEofException() throws Exception {
        JsonDocumentReader r = reader("{\"a\": 1} {\"execute\": ", QmpJson.DEFAULT_LIMITS);
        assertThat(r.next()).contains(QmpJson.object().put("a", 1));
        assertThatThrownBy(r::next).isInstanceOf(EOFException.class).hasMessageContaining("inside a JSON document");
    }

    @Test
    void aCleanEndIsEmpty() throws Exception {
        assertThat(reader("  \n", QmpJson.DEFAULT_LIMITS).next()).isEmpty();
        assertThat(reader("", QmpJson.DEFAULT_LIMITS).next()).isEmpty();
    }

    @Test
    void invalidUtf8IsOneError() throws IOException {
        byte[] bytes = {'[', '"', (byte) 0xFF, '"', ']', ' ', (byte) 0xFE, ' ', '1'};
        JsonDocumentReader r = new JsonDocumentReader(new ByteArrayInputStream(bytes), QmpJson.DEFAULT_LIMITS);
        assertThat(drain(r)).containsExactly("error: invalid UTF-8 at offset 2", "error: invalid UTF-8 at offset 0",
                "1");
    }

    @Test
    void refusesUnboundedDocuments() {
        assertThatThrownBy(() -> new JsonDocumentReader(InputStream.nullInputStream(), StreamReadConstraints.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximum document length");
    }
}
