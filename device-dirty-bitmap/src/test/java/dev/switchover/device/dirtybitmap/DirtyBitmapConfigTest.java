package dev.switchover.device.dirtybitmap;

import dev.switchover.migration.spi.DeviceContext;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirtyBitmapConfigTest {

    private static DirtyBitmapConfig config(Map<String, String> props) {
        return DirtyBitmapConfig.from(DeviceContext.builder("bm0").properties(props).build());
    }

    private static void rejects(Map<String, String> props, String... fragments) {
        var assertion = assertThatThrownBy(() -> new DirtyBitmapProvider()
                .create(DeviceContext.builder("bm0").properties(props).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("device 'bm0'");
        for (String f : fragments) {
            assertion.hasMessageContaining(f);
        }
    }

    @Test
    void defaults() {
        DirtyBitmapConfig c = config(Map.of());
        assertThat(c.geometry().diskSize()).isEqualTo(1L << 30);
        assertThat(c.geometry().granularity()).isEqualTo(64L << 10);
        assertThat(c.geometry().bits()).isEqualTo(16384);
        assertThat(c.names()).containsExactly("bitmap0");
        assertThat(c.writeRate()).isZero();
        assertThat(c.pattern()).isEqualTo(WritePattern.RANDOM);
        assertThat(c.nodeName()).isEqualTo("bm0");
    }

    @Test
    void countAndNames() {
        assertThat(config(Map.of("bitmaps", "3")).names()).containsExactly("bitmap0", "bitmap1", "bitmap2");
        assertThat(config(Map.of("names", "daily:weekly")).names()).containsExactly("daily", "weekly");
        assertThat(config(Map.of("names", "a:b", "bitmaps", "2")).names()).containsExactly("a", "b");
    }

    @Test
    void everyPropertyIsReadSoTyposAreCaught() {
        Map<String, String> all = new HashMap<>(Map.of("disk-size", "64G", "granularity", "64K", "bitmaps", "2",
                "names", "a:b", "write-rate", "8M", "pattern", "hotspot", "seed", "9", "sise", "1"));
        DeviceContext ctx = DeviceContext.builder("bm0").properties(all).build();
        new DirtyBitmapProvider().create(ctx);
        assertThat(ctx.properties().unreadKeys()).containsExactly("sise");
    }

    @Test
    void granularityMustBeAPowerOfTwoFrom512To2G() {
        rejects(Map.of("granularity", "1000"), "property 'granularity' has value '1000'",
                "a power of two from 512 to 2G");
        rejects(Map.of("granularity", "256"), "'granularity' has value '256'");
        rejects(Map.of("granularity", "4G"), "'granularity' has value '4G'");
        rejects(Map.of("granularity", "lots"), "'granularity' has value 'lots'", "a size");
    }

    @Test
    void diskSizeMustBeWholeSectors() {
        rejects(Map.of("disk-size", "1000"), "property 'disk-size' has value '1000'", "512-byte sectors");
        rejects(Map.of("disk-size", "0"), "'disk-size' has value '0'");
    }

    @Test
    void bitmapCountAndNamesMustBeSane() {
        rejects(Map.of("bitmaps", "0"), "property 'bitmaps' has value '0'", "from 1 to 64");
        rejects(Map.of("bitmaps", "65"), "'bitmaps' has value '65'");
        rejects(Map.of("names", "a:a"), "names bitmap 'a' twice");
        rejects(Map.of("names", "a::b"), "property 'names' has value 'a::b'", "1 to 255 bytes");
        rejects(Map.of("names", "x".repeat(256)), "1 to 255 bytes");
        rejects(Map.of("bitmaps", "3", "names", "a:b"), "'bitmaps' is 3 but 'names' lists 2");
    }

    @Test
    void bitmapMemoryIsBounded() {
        rejects(Map.of("disk-size", "64T", "granularity", "512"), "needs 16 GiB for 1 bitmap(s)",
                "at most 1 GiB", "raise 'granularity'");
    }

    @Test
    void rateAndPatternAreValidated() {
        rejects(Map.of("write-rate", "fast"), "property 'write-rate' has value 'fast'");
        rejects(Map.of("pattern", "zigzag"), "one of hotspot, random, sequential");
    }

    @Test
    void nodeNameMustFitACountedString() {
        assertThatThrownBy(() -> new DirtyBitmapProvider().create(DeviceContext.builder("n".repeat(256)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 255 bytes");
    }
}
