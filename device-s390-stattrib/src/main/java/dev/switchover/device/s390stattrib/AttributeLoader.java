package dev.switchover.device.s390stattrib;

import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.SectionReader;

import java.io.IOException;

import static dev.switchover.device.s390stattrib.StattribFlags.DONE;
import static dev.switchover.device.s390stattrib.StattribFlags.EOS;
import static dev.switchover.device.s390stattrib.StattribFlags.ERROR;
import static dev.switchover.device.s390stattrib.StattribFlags.FLAGS_MASK;
import static dev.switchover.device.s390stattrib.StattribFlags.MORE;
import static dev.switchover.device.s390stattrib.StattribFlags.PAGE_SHIFT;

/**
 * Reads {@code s390-storage_attributes} records the way QEMU's {@code cmma_load} does — the
 * flags must be exactly one of MORE, ERROR, DONE, EOS — and checks what QEMU leaves to KVM: a
 * MORE record's pages must lie inside this device's guest and hold at least one byte, and control
 * records carry no address. Attribute bytes go straight into the store, so no count from the
 * stream ever sizes an allocation.
 *
 * <p><b>Thread:</b> the incoming migration thread.
 */
final class AttributeLoader {

    private final String deviceId;
    private final AttributeStore store;

    AttributeLoader(String deviceId, AttributeStore store) {
        this.deviceId = deviceId;
        this.store = store;
    }

    /**
     * Reads records up to and including {@code EOS}.
     *
     * @return whether a {@code DONE} record came before the {@code EOS}
     */
    boolean load(SectionReader in) throws IOException {
        boolean done = false;
        while (true) {
            long word = in.readLong();
            long flags = word & FLAGS_MASK;
            long address = word & ~FLAGS_MASK;
            if (flags == MORE) {
                loadAttributes(in, address >>> PAGE_SHIFT);
                continue;
            }
            if (flags != EOS && flags != DONE && flags != ERROR) {
                throw malformed("unexpected storage attribute flags 0x" + Long.toHexString(flags));
            }
            if (address != 0) {
                throw malformed("record with flags 0x" + Long.toHexString(flags) + " carries address 0x"
                        + Long.toHexString(address));
            }
            if (flags == ERROR) {
                throw malformed("the source reported that the storage attribute data is incomplete (STATTR_FLAG_ERROR)");
            }
            if (flags == EOS) {
                return done;
            }
            done = true;
        }
    }

    private void loadAttributes(SectionReader in, long gfn) throws IOException {
        long count = in.readLong();
        long pages = store.pages();
        if (gfn >= pages) {
            throw malformed("attributes for page " + gfn + " beyond the guest's " + pages + " pages");
        }
        if (count <= 0 || count > pages - gfn) {
            throw malformed("attribute count " + Long.toUnsignedString(count) + " at page " + gfn
                    + " does not fit the guest's " + pages + " pages");
        }
        store.readFrom(in, gfn, (int) count);
    }

    private InvalidSectionException malformed(String detail) {
        return new InvalidSectionException("s390-storage_attributes stream for device '" + deviceId + "': " + detail);
    }
}
