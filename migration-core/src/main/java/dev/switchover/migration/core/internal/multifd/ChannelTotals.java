package dev.switchover.migration.core.internal.multifd;

import dev.switchover.migration.core.internal.stream.MigrationStreamException;

import java.nio.ByteBuffer;

/**
 * What each multifd channel carried, as the main stream's {@code X_MULTIFD_SYNC} command states
 * it after the last page and before the manifest: per channel {@code be64 bytes, be32 crc32c}
 * (the CRC32C of every byte after the greeting, the end marker included). The destination
 * checks its own count and sum of each channel against it before LOADED.
 *
 * @param bytes  per channel, page bytes sent
 * @param crc32c per channel, the sum of what was sent after the greeting
 */
public record ChannelTotals(long[] bytes, int[] crc32c) {

    private static final int ENTRY = 12;

    public int channels() {
        return bytes.length;
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(2 + ENTRY * bytes.length).putShort((short) bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            b.putLong(bytes[i]).putInt(crc32c[i]);
        }
        return b.array();
    }

    /** @throws MigrationStreamException at {@code at} if the data does not hold {@code channels} entries */
    public static ChannelTotals decode(byte[] data, long at, int channels) throws MigrationStreamException {
        ByteBuffer b = ByteBuffer.wrap(data);
        int n = data.length >= 2 ? b.getShort() & 0xffff : -1;
        if (n != channels || data.length != 2 + ENTRY * n) {
            throw new MigrationStreamException(at, "the multifd totals name " + n + " channels in " + data.length
                    + " bytes; the migration has " + channels);
        }
        long[] bytes = new long[n];
        int[] sums = new int[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = b.getLong();
            sums[i] = b.getInt();
        }
        return new ChannelTotals(bytes, sums);
    }
}
