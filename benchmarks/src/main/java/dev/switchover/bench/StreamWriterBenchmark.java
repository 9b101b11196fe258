package dev.switchover.bench;

import dev.switchover.migration.core.internal.stream.StreamWriter;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.TimeUnit;

/**
 * The source's per-page cost in the stream: a RAM record header plus a 4 KiB page copied from
 * off-heap memory, into a channel that discards (so only user-space work is measured).
 * Throughput is pages per second; × 4 KiB gives the ceiling the stream puts on a migration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class StreamWriterBenchmark {

    static final int PAGES = 1024;

    @Param({"262144", "4194304"})
    int bufferBytes;

    private MemorySegment memory;
    private StreamWriter writer;
    private SectionWriter section;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        memory = Arena.ofAuto().allocate((long) PAGES * 4096, 4096);
        for (long i = 0; i < memory.byteSize(); i += 8) {
            memory.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L);
        }
        writer = new StreamWriter(new NullChannel(), bufferBytes);
        writer.writeHeader();
        section = writer.beginSection(SectionKind.START, 0, "ram", 0, 4);
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long pages() throws IOException {
        for (int p = 0; p < PAGES; p++) {
            section.writeLong(((long) p << 12) | 0x28);
            section.write(memory.asSlice((long) p << 12, 4096));
        }
        return section.bytesWritten();
    }

    /** Accepts everything, as fast as possible. */
    static final class NullChannel implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
