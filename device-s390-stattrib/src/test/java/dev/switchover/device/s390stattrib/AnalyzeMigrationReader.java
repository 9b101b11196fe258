package dev.switchover.device.s390stattrib;

import dev.switchover.migration.tck.MemorySectionReader;

import java.io.IOException;

/**
 * A Java rendering of {@code S390StorageAttributes.read} in QEMU's {@code
 * scripts/analyze-migration.py}, as that reader is meant to work: read {@code be64 addr_flags},
 * {@code flags = addr_flags & 0xfff}; DONE → keep reading; EOS → stop; ERROR → fail; MORE → read
 * {@code be64 count} and skip {@code count} bytes. Only what the script looks at, nothing of this
 * device's own loader.
 */
final class AnalyzeMigrationReader {

    private static final long EOS = 0x01;
    private static final long MORE = 0x02;
    private static final long ERROR = 0x04;
    private static final long DONE = 0x08;

    /** What one section read found. */
    record Result(int moreRecords, long attributeBytes, boolean done) {
    }

    private AnalyzeMigrationReader() {
    }

    static Result read(MemorySectionReader file) throws IOException {
        int more = 0;
        long bytes = 0;
        boolean done = false;
        while (true) {
            long addrFlags = file.readLong();
            long flags = addrFlags & 0xfff;
            if ((flags & DONE) != 0) {
                done = true;
                continue;
            }
            if ((flags & EOS) != 0) {
                return new Result(more, bytes, done);
            }
            if ((flags & ERROR) != 0) {
                throw new IOException("Error in migration stream");
            }
            if ((flags & MORE) == 0) {
                throw new IOException("Unknown flags " + Long.toHexString(flags));
            }
            long count = file.readLong();
            file.skipFully(count);
            more++;
            bytes += count;
        }
    }
}
