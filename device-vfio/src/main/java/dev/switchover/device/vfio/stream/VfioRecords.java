package dev.switchover.device.vfio.stream;

import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Writes the records of a VFIO section. The layout, shared with {@link VfioRecordReader}:
 * <pre>
 *   START  DEV_CONFIG_STATE be32 n, n bytes UTF-8 compatibility id
 *          DEV_SETUP_STATE
 *          END_OF_STATE
 *   PART   (DEV_DATA_STATE be64 n, n bytes)*  END_OF_STATE | DEV_INIT_DATA_SENT
 *   END    (DEV_DATA_STATE be64 n, n bytes)*  END_OF_STATE
 * </pre>
 * {@code DEV_DATA_STATE} payloads are consecutive pieces of the driver's data stream, at most
 * {@link #MAX_DATA_RECORD} bytes each, never empty. {@code DEV_CONFIG_STATE} is sent at setup,
 * not at the end as QEMU does with PCI config space: it carries only the compatibility id, so
 * an incompatible destination fails before any data moves. {@code DEV_INIT_DATA_SENT} ends the
 * one iterate section after which the source's initial pre-copy data has all been read; QEMU
 * sends it only with switchover-ack, this device always does, so the destination knows when the
 * bulk of the pre-copy data is in.
 */
public final class VfioRecords {

    /** The largest {@code DEV_DATA_STATE} payload (QEMU's 1 MiB data buffer). */
    public static final int MAX_DATA_RECORD = 1 << 20;
    /** The longest compatibility id. */
    public static final int MAX_CONFIG_BYTES = 4096;

    private VfioRecords() {
    }

    public static void marker(SectionWriter out, VfioMarker marker) throws IOException {
        out.writeLong(marker.wire());
    }

    /** One {@code DEV_DATA_STATE} record carrying all of {@code data} (1..{@link #MAX_DATA_RECORD} bytes). */
    public static void data(SectionWriter out, MemorySegment data) throws IOException {
        long n = data.byteSize();
        if (n < 1 || n > MAX_DATA_RECORD) {
            throw new IllegalArgumentException("a DEV_DATA_STATE record holds 1.." + MAX_DATA_RECORD + " bytes, not " + n);
        }
        out.writeLong(VfioMarker.DEV_DATA_STATE.wire());
        out.writeLong(n);
        out.write(data);
    }

    /** The {@code DEV_CONFIG_STATE} record with the compatibility id. */
    public static void config(SectionWriter out, String compatibilityId) throws IOException {
        byte[] id = compatibilityId.getBytes(StandardCharsets.UTF_8);
        if (id.length < 1 || id.length > MAX_CONFIG_BYTES) {
            throw new IllegalArgumentException("a compatibility id has 1.." + MAX_CONFIG_BYTES + " bytes, not "
                    + id.length);
        }
        out.writeLong(VfioMarker.DEV_CONFIG_STATE.wire());
        out.writeInt(id.length);
        out.write(id);
    }
}
