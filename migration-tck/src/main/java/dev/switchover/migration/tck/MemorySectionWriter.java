package dev.switchover.migration.tck;

import dev.switchover.migration.spi.SectionOutput;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One section payload written into memory: the {@link SectionWriter} device tests hand their
 * device, and the one the kit's own migration uses. Hand the device {@link #writer()}, then read
 * {@link #toByteArray()}:
 * <pre>{@code
 * MemorySectionWriter out = new MemorySectionWriter();
 * device.saveComplete(out.writer());
 * byte[] payload = out.toByteArray();
 * }</pre>
 *
 * <p>{@code SectionWriter} is sealed, so nobody implements it but the api itself: this class is
 * a {@link SectionOutput} — the same buffered writer the core's migration stream uses — over an
 * in-memory channel. What a device test sees is what the core runs, including {@link
 * SectionWriter#writeByReference} (copied here, as on any channel that can not gather; {@link
 * #referencedBytes()} tells how much the device offered by reference).
 *
 * <p>Bytes reach memory every {@value #BUFFER_BYTES} bytes (the smallest buffer a {@code
 * SectionOutput} takes) and when {@link #toByteArray()} flushes. That is when the limit is
 * checked and {@link #whenWritten} hooks run: inside the device's write call that filled the
 * buffer.
 *
 * <p>Bounded: past its limit the writer throws an {@link IOException} naming the limit, the way
 * a full disk breaks the core's stream, so a device that writes without end fails instead of
 * exhausting the heap.
 *
 * <p><b>Thread:</b> one thread at a time, like the host's writers; hooks run on that thread.
 *
 * @since 0.1
 */
public final class MemorySectionWriter {

    /** The default limit: far more than a kit-sized device writes in one section. */
    public static final int DEFAULT_LIMIT = 256 << 20;

    /** Bytes buffered before they reach memory. */
    public static final int BUFFER_BYTES = SectionOutput.MIN_BUFFER_SIZE;

    private final Memory memory;
    private final SectionOutput output;
    private final SectionWriter writer;

    /** A writer bounded by {@link #DEFAULT_LIMIT}. */
    public MemorySectionWriter() {
        this(DEFAULT_LIMIT);
    }

    /**
     * A writer that refuses to hold more than {@code limit} bytes.
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public MemorySectionWriter(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("section buffer limit can not be negative: " + limit);
        }
        this.memory = new Memory(limit);
        this.output = new SectionOutput(memory, BUFFER_BYTES);
        this.writer = output.beginPayload();
    }

    /** {@return the writer to hand the device} It stays valid for the life of this object. */
    public SectionWriter writer() {
        return writer;
    }

    /**
     * Runs {@code action} once, on the writing thread, as soon as at least {@code bytes} bytes
     * of the payload reached memory: inside the device's write call that filled the buffer
     * (at most {@value #BUFFER_BYTES} bytes after the write that crossed {@code bytes}), or in
     * {@link #toByteArray()} if the device wrote less than a buffer after it. For tests that
     * must act while a save call is in the middle of its payload, e.g. ask another thread for
     * {@code stats()} and require an answer. An exception from {@code action} propagates out of
     * the device's write call.
     *
     * @return this writer
     */
    public MemorySectionWriter whenWritten(long bytes, Runnable action) {
        memory.hooks.add(new Hook(bytes, Objects.requireNonNull(action)));
        return this;
    }

    /** {@return the payload bytes written so far, buffered or in memory} */
    public long bytesWritten() {
        return writer.bytesWritten();
    }

    /** {@return the payload bytes the device offered by reference ({@code writeByReference})} */
    public long referencedBytes() {
        return output.referencedBytes();
    }

    /**
     * Moves every buffered byte to memory.
     *
     * @throws IOException if that takes the payload past the limit
     */
    public void flush() throws IOException {
        output.flush();
    }

    /**
     * {@return a copy of everything written so far} Flushes first.
     *
     * @throws UncheckedIOException if the flush takes the payload past the limit
     */
    public byte[] toByteArray() {
        try {
            flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        return memory.copy();
    }

    @Override
    public String toString() {
        return "MemorySectionWriter[" + bytesWritten() + " bytes]";
    }

    private record Hook(long bytes, Runnable action) {
    }

    /** A growable array behind the output, bounded by {@code limit}. */
    private static final class Memory implements WritableByteChannel {
        private final int limit;
        private final List<Hook> hooks = new ArrayList<>();
        private byte[] buf = new byte[256];
        private int size;

        Memory(int limit) {
            this.limit = limit;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (n > limit - size) {
                throw new IOException("the kit's section buffer holds at most " + limit + " bytes; writing " + n
                        + " more after " + size + " would exceed it (keep deviceProperties() small)");
            }
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(size + n, 2L * buf.length)));
            }
            src.get(buf, size, n);
            size += n;
            runHooks();
            return n;
        }

        private void runHooks() {
            for (int i = 0; i < hooks.size(); i++) {
                Hook h = hooks.get(i);
                if (size >= h.bytes()) {
                    hooks.remove(i--);
                    h.action().run();
                }
            }
        }

        byte[] copy() {
            return Arrays.copyOf(buf, size);
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
