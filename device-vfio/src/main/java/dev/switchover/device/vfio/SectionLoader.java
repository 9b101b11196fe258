package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.VfioDriverException;
import dev.switchover.device.vfio.driver.VfioMigrationDriver;
import dev.switchover.device.vfio.stream.VfioMarker;
import dev.switchover.device.vfio.stream.VfioRecordReader;
import dev.switchover.device.vfio.stream.VfioRecords;
import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The destination side of the stream: reads VFIO sections (layout in {@link VfioRecords}) and
 * writes the data stream into a RESUMING driver, checking that each marker belongs to the
 * section kind it arrives in and that the setup section, with a matching compatibility id,
 * came first.
 *
 * <p><b>Threads:</b> the incoming migration thread, with the device lock held.
 */
final class SectionLoader {

    private final VfioMigrationDriver driver;
    private final String deviceId;
    private final String compatibilityId;
    private MemorySegment buffer;
    private boolean setupSeen;
    private boolean initDataSeen;
    private long bytesLoaded;

    SectionLoader(VfioMigrationDriver driver, String deviceId, String compatibilityId) {
        this.driver = driver;
        this.deviceId = deviceId;
        this.compatibilityId = compatibilityId;
    }

    /** Data-stream bytes handed to the driver so far. */
    long bytesLoaded() {
        return bytesLoaded;
    }

    /** Whether the source said all initial pre-copy data was sent. */
    boolean initDataSeen() {
        return initDataSeen;
    }

    void load(SectionReader in, SectionKind kind) throws IOException {
        String context = "device '" + deviceId + "': VFIO section " + kind;
        VfioRecordReader r = new VfioRecordReader(in, context);
        if (kind == SectionKind.FULL) {
            throw new InvalidSectionException(context + ": a VFIO device never writes a FULL section");
        }
        if (kind != SectionKind.START && !setupSeen) {
            throw new InvalidSectionException(context + ": arrived before the setup (START) section");
        }
        boolean configSeen = false;
        boolean setupInThis = false;
        while (true) {
            long at = r.position();
            VfioMarker m = r.nextMarker();
            switch (m) {
                case END_OF_STATE -> {
                    if (kind == SectionKind.START && !(configSeen && setupInThis)) {
                        throw new InvalidSectionException(context + ": ended at byte " + at + " without "
                                + (configSeen ? "DEV_SETUP_STATE" : "DEV_CONFIG_STATE"));
                    }
                    return;
                }
                case DEV_INIT_DATA_SENT -> {
                    expect(kind == SectionKind.PART, context, m, at);
                    initDataSeen = true;
                    return;
                }
                case DEV_CONFIG_STATE -> {
                    expect(kind == SectionKind.START && !configSeen, context, m, at);
                    String id = r.config();
                    if (!id.equals(compatibilityId)) {
                        throw new InvalidSectionException(context + ": the source device is '" + id
                                + "' but this device is '" + compatibilityId + "'; their states are not compatible");
                    }
                    configSeen = true;
                }
                case DEV_SETUP_STATE -> {
                    expect(kind == SectionKind.START && configSeen && !setupInThis, context, m, at);
                    setupInThis = true;
                    setupSeen = true;
                }
                case DEV_DATA_STATE -> {
                    expect(kind != SectionKind.START, context, m, at);
                    loadData(r, context);
                }
                case DEV_CONFIG_LOAD_READY -> throw new InvalidSectionException(context
                        + ": marker DEV_CONFIG_LOAD_READY at byte "
                        + at + " is part of QEMU's switchover-ack handshake, which this device does not use");
            }
        }
    }

    private void loadData(VfioRecordReader r, String context) throws IOException {
        int n = r.dataLength();
        if (buffer == null) {
            buffer = MemorySegment.ofArray(new byte[VfioRecords.MAX_DATA_RECORD]);
        }
        MemorySegment piece = buffer.asSlice(0, n);
        r.payload(piece, n);
        try {
            driver.write(piece);
        } catch (VfioDriverException e) {
            throw new InvalidSectionException(context + ": the driver refused the data stream after " + bytesLoaded
                    + " good bytes: " + e.getMessage(), e);
        }
        bytesLoaded += n;
    }

    private static void expect(boolean allowed, String context, VfioMarker m, long at) throws IOException {
        if (!allowed) {
            throw new InvalidSectionException(context + ": marker " + m + " at byte " + at + " is out of place");
        }
    }
}
