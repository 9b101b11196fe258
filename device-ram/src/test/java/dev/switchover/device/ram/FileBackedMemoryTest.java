package dev.switchover.device.ram;

import dev.switchover.migration.spi.SaveOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileBackedMemoryTest {

    @TempDir
    Path dir;

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SplittableRandom(3).nextBytes(b);
        return b;
    }

    @Test
    void guestMemoryIsTheFilesContent() throws Exception {
        byte[] content = randomBytes(64 * 1024);
        Path file = Files.write(dir.resolve("guest.img"), content);
        try (RamDevice ram = RamHarness.device(Map.of("size", "64K", "file", file.toString()))) {
            assertThat(ram.stateDigest()).isEqualTo(sha256(content));
            long expected = ByteBuffer.wrap(content, 4096, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(ram.memory().readLong(4096)).isEqualTo(expected);
        }
    }

    @Test
    void guestWritesReachTheFile() throws Exception {
        Path file = Files.write(dir.resolve("guest.img"), new byte[16 * 1024]);
        try (RamDevice ram = RamHarness.device(Map.of("size", "16K", "file", file.toString()))) {
            ram.memory().writeLong(8192, 0x1122334455667788L);
        }
        byte[] after = Files.readAllBytes(file);
        assertThat(ByteBuffer.wrap(after, 8192, 8).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(0x1122334455667788L);
    }

    @Test
    void aMissingOrShortFileIsCreatedOrExtendedWithZeros() throws Exception {
        Path file = dir.resolve("new.img");
        try (RamDevice ram = RamHarness.device(Map.of("size", "32K", "file", file.toString()))) {
            assertThat(ram.stateDigest()).isEqualTo(sha256(new byte[32 * 1024]));
        }
        assertThat(Files.size(file)).isEqualTo(32 * 1024);
    }

    @Test
    void anExplicitFillOverwritesTheFile() throws Exception {
        Path file = Files.write(dir.resolve("guest.img"), randomBytes(8192));
        try (RamDevice ram = RamHarness.device(Map.of("size", "8K", "file", file.toString(), "fill", "pattern"))) {
            assertThat(ram.memory().readLong(4096)).isEqualTo(4096 ^ 0xA5A5A5A5A5A5A5A5L);
        }
        assertThat(ByteBuffer.wrap(Files.readAllBytes(file), 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(8 ^ 0xA5A5A5A5A5A5A5A5L);
    }

    @Test
    void fileBackedMemoryMigratesToAnonymousMemory() throws Exception {
        Path file = Files.write(dir.resolve("guest.img"), randomBytes(128 * 1024));
        try (RamDevice source = RamHarness.device(Map.of("size", "128K", "file", file.toString()));
             RamDevice destination = RamHarness.device(Map.of("size", "128K"))) {
            RamHarness.load(destination, RamHarness.migrate(source, SaveOptions.PRECOPY, 32 * 1024));
            assertThat(destination.stateDigest()).isEqualTo(source.stateDigest()).isEqualTo(sha256(
                    Files.readAllBytes(file)));
        }
    }

    @Test
    void aPathThatCanNotBeMappedIsAPropertyError() {
        assertThatThrownBy(() -> RamHarness.device(Map.of("size", "8K", "file", dir.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("device 'ram0': property 'file' has value '" + dir + "', expected a file "
                        + "that can be mapped read-write with 8 KiB");
    }
}
