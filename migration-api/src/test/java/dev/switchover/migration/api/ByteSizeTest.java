package dev.switchover.migration.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteSizeTest {

    @ParameterizedTest
    @CsvSource({"4096,4096", "64K,65536", "512M,536870912", "4G,4294967296", "1.5G,1610612736", "4GiB,4294967296",
            "128MB,134217728", "0,0"})
    void parsesSizes(String text, long bytes) {
        assertThat(ByteSize.parse(text)).isEqualTo(bytes);
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> ByteSize.parse("4X")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> ByteSize.parse("-1")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> ByteSize.parse("9E")).hasMessageContaining("too large");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"4096|4 KiB", "744|744 B", "0|0 B", "8729419776|8.13 GiB",
            "4294967296|4 GiB", "4928307|4.7 MiB", "405798912|387 MiB", "1299227607|1.21 GiB",
            "-1|16 EiB", "-4096|16 EiB", "537403392|513 MiB", "1024000|0.977 MiB", "1023|0.999 KiB", "1000|0.977 KiB", "999|999 B"})
    void formatsLikeQemuSizeToStr(long bytes, String text) {
        assertThat(ByteSize.format(bytes)).isEqualTo(text);
    }
}
