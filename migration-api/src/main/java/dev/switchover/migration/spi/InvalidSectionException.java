package dev.switchover.migration.spi;

/**
 * The destination refuses an incoming section payload: truncated, malformed (an unknown record
 * type, a length past the end, an offset outside the device), or well-formed but incompatible
 * with this device's configuration (a different size, a name it does not have). Thrown by
 * {@link MigrationDevice#loadSection} (and {@link MigrationDevice#loadSetup}, for a destination
 * that can not take the stream at all); a stream that ends incomplete is refused by the {@code
 * loadSection} of its END section, since {@link MigrationDevice#loadCleanup} must not throw.
 *
 * <p><b>What the host does:</b> the incoming migration fails, the destination discards what it
 * loaded and sends the message back to the source, whose machine resumes; {@code error-desc}
 * reads {@code device 'ram0' failed in loadSection(PART): <message>}. Say which record, at which
 * byte of the payload, and what was expected. An {@link java.io.EOFException} from the {@link
 * SectionReader} (the payload ended early) may propagate as it is: it means the same.
 *
 * <p><b>Thread:</b> the incoming migration thread. <b>Run state:</b> {@code inmigrate}.
 *
 * @since 0.1
 */
public non-sealed class InvalidSectionException extends DeviceException {

    private static final long serialVersionUID = 1L;

    public InvalidSectionException(String message) {
        super(message);
    }

    public InvalidSectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
