package dev.switchover.migration.spi;

import java.io.IOException;

/**
 * What a device throws when it fails a migration call for a reason of its own, as opposed to the
 * stream breaking under it. Two kinds, one each side:
 * <ul>
 *   <li>{@link InvalidSectionException}: the destination refuses an incoming section — it is
 *       truncated or malformed, or well-formed but incompatible with this device's configuration
 *       (a RAM block of another size, a bitmap the destination does not have);
 *   <li>{@link DeviceFailureException}: the device itself failed — its driver or backing store
 *       reported an error, it is in an error state, it lost state it needs.
 * </ul>
 *
 * <p>It is an {@link IOException}, so every {@code save*}/{@code load*} method, which already
 * declares {@code IOException} for the stream, throws it without a signature change;
 * {@link MigrationDevice#queryPending} declares it on its own.
 *
 * <p><b>What the host does with it:</b> exactly what it does with any exception from that call,
 * as each method of {@link MigrationDevice} documents: the migration fails and {@code error-desc}
 * names the device, the call and this exception's message ({@code device 'ram0' failed in
 * loadSection(PART): ram0: page offset ... beyond the block}), so write a message a person can
 * act on. An {@link IOException} that is not a {@code DeviceException} (what the {@link
 * SectionWriter} or {@link SectionReader} threw) means the stream failed: let it propagate
 * unchanged. A {@link RuntimeException} is a bug in the device; it fails the migration the same
 * way, but do not throw one on purpose.
 *
 * <p>Sealed: the two kinds are the whole classification the host makes; subclass either of them
 * for a device's own detail (a driver error type, say).
 *
 * <p><b>Thread:</b> thrown on the thread of the failing call (the migration thread), in whatever
 * run state that call documents; the host catches it there.
 *
 * @since 0.1
 */
public abstract sealed class DeviceException extends IOException
        permits InvalidSectionException, DeviceFailureException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for {@code error-desc}: name the device and what to check */
    protected DeviceException(String message) {
        super(message);
    }

    /** @param message what went wrong, for {@code error-desc}; {@code cause} stays in the log */
    protected DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
