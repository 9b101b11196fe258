package dev.switchover.migration.core.internal.multifd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.UUID;

/**
 * The first bytes a source sends on each multifd channel, modelled on QEMU's {@code
 * MultiFDInit_t}: {@code be32 magic 0x11223344, be32 version 1, 16 bytes uuid, u8 channel id,
 * 7 bytes zero}. The uuid is the one the main stream announced ({@link MultifdSetup}), so the
 * destination binds the connection to its migration and refuses a stranger.
 */
public final class MultifdHandshake {

    /** QEMU's {@code MULTIFD_MAGIC}. */
    public static final int MAGIC = 0x11223344;
    /** QEMU's {@code MULTIFD_VERSION} for this layout. */
    public static final int VERSION = 1;
    static final int SIZE = 4 + 4 + 16 + 1 + 7;

    private MultifdHandshake() {
    }

    /** Writes the greeting of channel {@code id} of migration {@code uuid}. */
    public static void write(WritableByteChannel out, UUID uuid, int id) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putInt(MAGIC).putInt(VERSION).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits())
                .put((byte) id).position(SIZE).flip();
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /**
     * Reads a greeting and returns its channel id.
     *
     * @throws IOException if it is not a multifd greeting of migration {@code uuid} with an id
     *                     below {@code channels}, saying what it is instead
     */
    public static int read(ReadableByteChannel in, UUID uuid, int channels) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        while (b.hasRemaining()) {
            if (in.read(b) < 0) {
                throw new EOFException("the connection closed before its multifd greeting was complete");
            }
        }
        b.flip();
        int magic = b.getInt();
        if (magic != MAGIC) {
            throw new IOException(String.format("not a multifd channel (magic 0x%08x, expected 0x%08x)",
                    magic, MAGIC));
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IOException("multifd version " + Integer.toUnsignedString(version)
                    + " is not supported (only " + VERSION + ")");
        }
        UUID got = new UUID(b.getLong(), b.getLong());
        if (!got.equals(uuid)) {
            throw new IOException("multifd channel of another migration (uuid " + got + ")");
        }
        int id = b.get() & 0xff;
        if (id >= channels) {
            throw new IOException("multifd channel id " + id + ", but the migration has " + channels);
        }
        return id;
    }
}
