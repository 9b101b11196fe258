package dev.switchover.migration.core.internal.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The wrappers the engine puts around the stream keep its gathering writes gathering. */
class StreamWaitsTest {

    @Test
    void wrappersPassAGatheringWriteThroughWhole(@TempDir Path dir) throws Exception {
        try (FileChannel file = FileChannel.open(dir.resolve("w"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             DeviceCallGuard guard = new DeviceCallGuard(Duration.ofSeconds(5), hung -> { })) {
            GatheringByteChannel chain = new TrackingChannel(StreamWaits.writes(file, guard, new LinkWatch(System::nanoTime, () -> 10_000, r -> { })));
            ByteBuffer[] parts = {ByteBuffer.allocateDirect(10), ByteBuffer.allocateDirect(4096), ByteBuffer.allocate(3)};
            long n = 0;
            while (parts[2].hasRemaining()) {
                n += chain.write(parts);
            }
            assertThat(n).isEqualTo(4109);
            assertThat(file.size()).isEqualTo(4109);
        }
    }
}
