package dev.switchover.migration.core.internal.stream;

import dev.switchover.migration.spi.SectionKind;

import java.util.Objects;

/**
 * Where one section lies in a stream and what its bytes sum to, as the {@link StreamWriter}
 * wrote it or the {@link StreamReader} read it: the raw material of the integrity checks
 * ({@link StreamManifest}, {@link StreamVerifier}) and of {@code switchover analyze}.
 *
 * @param index     position among the stream's sections, from 0
 * @param kind      START, PART, END or FULL
 * @param sectionId the section id on the wire
 * @param idstr     the section's name (for PART/END: the one its START carried)
 * @param instance  the section's instance id (for PART/END: its START's)
 * @param version   the section's version id (for PART/END: its START's)
 * @param offset    stream offset of the section's type byte
 * @param payloadOffset stream offset of the first payload byte
 * @param payloadSize   payload bytes (the footer excluded)
 * @param crc32c    CRC32C over the section from its type byte to the end of its payload
 *                  (header and payload, the footer excluded)
 */
public record SectionRecord(int index, SectionKind kind, int sectionId, String idstr, int instance, int version,
                            long offset, long payloadOffset, long payloadSize, int crc32c) {

    public SectionRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(idstr, "idstr");
    }

    /** {@code 'ram' instance 0}: how messages name the device state a section belongs to. */
    public String device() {
        return "'" + idstr + "' instance " + instance;
    }

    /** {@code section 3 ('ram' instance 0, PART, id 2)}: how messages name this section. */
    public String describe() {
        return describe(null);
    }

    /** {@code section 3 ('ram' instance 0, PART, id 2, device 'ram0')}, or without the device if null. */
    public String describe(String deviceId) {
        return "section " + index + " (" + device() + ", " + kind + ", id " + sectionId
                + (deviceId == null ? "" : ", device '" + deviceId + "'") + ")";
    }
}
