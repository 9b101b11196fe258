package dev.switchover.migration.core.internal.multifd;

import dev.switchover.migration.core.internal.stream.MigrationStreamException;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * What the main stream's {@code X_MULTIFD_SETUP} command announces before any section: the
 * migration's uuid (which every channel's greeting must repeat) and how many channels follow.
 *
 * @param uuid     binds the channels to this migration
 * @param channels 1..255, QEMU's {@code multifd-channels} range
 */
public record MultifdSetup(UUID uuid, int channels) {

    /** The command's data length. */
    public static final int SIZE = 18;
    /** QEMU's bounds of {@code multifd-channels}. */
    public static final int MIN_CHANNELS = 1;
    public static final int MAX_CHANNELS = 255;

    public MultifdSetup {
        if (channels < MIN_CHANNELS || channels > MAX_CHANNELS) {
            throw new IllegalArgumentException("multifd-channels " + channels + " is outside " + MIN_CHANNELS + ".."
                    + MAX_CHANNELS);
        }
    }

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits())
                .putShort((short) channels).array();
    }

    /** @throws MigrationStreamException at {@code at} for a channel count out of range */
    public static MultifdSetup decode(byte[] data, long at) throws MigrationStreamException {
        ByteBuffer b = ByteBuffer.wrap(data);
        UUID uuid = new UUID(b.getLong(), b.getLong());
        int channels = b.getShort() & 0xffff;
        if (channels < MIN_CHANNELS || channels > MAX_CHANNELS) {
            throw new MigrationStreamException(at, "the stream announces " + channels + " multifd channels (1.."
                    + MAX_CHANNELS + ")");
        }
        return new MultifdSetup(uuid, channels);
    }
}
