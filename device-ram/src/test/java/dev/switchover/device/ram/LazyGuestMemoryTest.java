package dev.switchover.device.ram;

import dev.switchover.migration.spi.SaveOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Anonymous guest memory mapped with {@code mmap} ({@link AnonymousMapping}) and never read
 * where it was never written ({@link WrittenPages}): only written pages become resident. The build runs these tests with native
 * access for the module (see the pom); elsewhere they are skipped with the reason.
 */
class LazyGuestMemoryTest {

    private static final long MIB = 1L << 20;

    @BeforeEach
    void needsTheMapping() {
        assumeTrue(AnonymousMapping.available(),
                "anonymous mmap needs Linux on x86-64/aarch64 and --enable-native-access=dev.switchover.device.ram");
    }

    @Test
    void anAllZeroMachineMigratesWithoutMakingItsMemoryResidentOnEitherSide() throws IOException {
        long before = rssAnon();
        try (RamDevice source = RamHarness.device(Map.of("size", "256M", "fill", "zero"));
             RamDevice destination = RamHarness.device(Map.of("size", "256M"))) {
            assertThat(source.memory().lazy()).isTrue();
            RamHarness.load(destination, RamHarness.migrate(source, SaveOptions.PRECOPY, 1 << 20));

            assertThat(destination.stateDigest()).isEqualTo(source.stateDigest());
            assertThat(rssAnon() - before).as("resident memory added by two 256 MiB machines (the JVM grows some)")
                    .isLessThan(96 * MIB);
        }
    }

    @Test
    void writtenPagesBecomeResidentAndTheRestStaysOut() throws IOException {
        long before = rssAnon();
        try (GuestMemory m = GuestMemory.anonymous(256 * MIB)) {
            for (long page = 0; page < (32 * MIB) / GuestMemory.PAGE_SIZE; page++) {
                m.writeLong(page << GuestMemory.PAGE_SHIFT, page + 1);
            }
            m.sha256();
            assertThat(rssAnon() - before).isBetween(32 * MIB, 64 * MIB);
            assertThat(m.readLong(5L << GuestMemory.PAGE_SHIFT)).isEqualTo(6);
        }
    }

    @Test
    void preallocMakesTheWholeMemoryResidentAtOnce() throws IOException {
        long before = rssAnon();
        try (RamDevice ram = RamHarness.device(Map.of("size", "64M", "prealloc", "on"))) {
            assertThat(rssAnon() - before).isGreaterThanOrEqualTo(64 * MIB);
            assertThat(ram.memory().isWritten(0)).as("preallocated memory is still zero").isFalse();
        }
    }

    @Test
    void aMachineLargerThanTheHostMapsBecauseNothingIsReserved() {
        try (GuestMemory m = GuestMemory.anonymous(64L << 30)) {
            m.writeLong(m.size() - 8, 42);
            assertThat(m.readLong(m.size() - 8)).isEqualTo(42);
        }
    }

    @Test
    void closingUnmapsAndLaterAccessFails() {
        GuestMemory m = GuestMemory.anonymous(4 * MIB);
        m.writeLong(0, 1);
        m.close();
        assertThatThrownBy(() -> m.readLong(0)).isInstanceOf(IllegalStateException.class);
    }

    /** Resident anonymous memory of this JVM, from {@code /proc/self/status}. */
    private static long rssAnon() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("RssAnon:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("/proc/self/status has no RssAnon");
    }
}
