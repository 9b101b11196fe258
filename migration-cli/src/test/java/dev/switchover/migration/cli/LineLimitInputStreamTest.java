package dev.switchover.migration.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineLimitInputStreamTest {

    private static String through(String input, int limit, boolean byteByByte) throws IOException {
        InputStream in = new LineLimitInputStream(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), limit);
        if (!byteByByte) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder out = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            out.append((char) c);
        }
        return out.toString();
    }

    @Test
    void passesLinesUpToTheLimitAndOneByteMoreOfLongerOnes() throws IOException {
        for (boolean byteByByte : new boolean[]{true, false}) {
            assertThat(through("abcd\nabcdefgh\r\nab\rabcdef", 4, byteByByte)).isEqualTo("abcd\nabcde\r\nab\rabcde");
        }
    }

    @Test
    void anEndlessLineIsReadInBoundedPieces() throws IOException {
        InputStream endless = new InputStream() {
            private long left = 10L << 20;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }
        };
        assertThat(new LineLimitInputStream(endless, 10).readAllBytes()).hasSize(11);
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new LineLimitInputStream(InputStream.nullInputStream(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
