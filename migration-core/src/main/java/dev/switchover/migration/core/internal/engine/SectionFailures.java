package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.core.internal.stream.MigrationStreamException;
import dev.switchover.migration.core.internal.stream.StreamItem;
import dev.switchover.migration.core.internal.stream.StreamReader;

import java.io.EOFException;
import java.io.IOException;

/**
 * Names the section a device was loading when loading failed: its index and header, the
 * device, and the stream offset where reading stopped — so {@code error-desc} says where in the
 * stream (not where inside a payload) and what, without a payload byte.
 */
final class SectionFailures {

    private final StreamReader reader;
    private final String name;

    /**
     * @param reader the stream's reader, positioned in the section's payload
     * @param device the destination's device id
     * @param header the section's header as read (PART/END carry only the id)
     * @param at     the stream offset of its type byte
     */
    SectionFailures(StreamReader reader, String device, StreamItem.Section header, long at) {
        this.reader = reader;
        int index = reader.sections().size();
        StreamItem.Section start = reader.openSectionStart();
        this.name = "section " + index + " ('" + start.idstr() + "' instance " + start.instanceId() + ", "
                + header.kind() + ", id " + header.sectionId() + ", device '" + device + "', from offset " + at + ")";
    }

    /** The failure {@code e}, with the section named: an {@link EOFException} stays one. */
    IOException wrap(Exception e) {
        if (e instanceof EOFException) {
            CutShort eof = new CutShort(name + ": " + message(e));
            eof.initCause(e);
            return eof;
        }
        long at = e instanceof MigrationStreamException m && m.offset() >= 0 ? m.offset() : reader.bytesRead();
        return new MigrationStreamException(at, name + ": " + message(e), e);
    }

    /** The stream ended inside a section's payload: over a socket, the link's doing, not the device's. */
    static final class CutShort extends EOFException {
        CutShort(String message) {
            super(message);
        }
    }

    private static String message(Exception e) {
        if (e instanceof MigrationStreamException m) {
            return m.problem();
        }
        if (e instanceof DeviceCallException d) {
            return "the device failed in " + d.call() + ": " + DeviceCallException.describe(d.getCause());
        }
        return DeviceCallException.describe(e);
    }
}
