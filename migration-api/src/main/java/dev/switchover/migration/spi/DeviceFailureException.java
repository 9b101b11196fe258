package dev.switchover.migration.spi;

/**
 * The device itself failed: its driver or backing store reported an error, it is in an error
 * state it must be reset from, or it lost state a migration needs (a data session that broke).
 * Any {@code save*}, {@code load*} or {@link MigrationDevice#queryPending} call may throw it.
 *
 * <p><b>What the host does:</b> the migration fails and {@code error-desc} reads {@code device
 * 'vfio0' failed in saveIterate: <message>}; the host then calls the matching cleanup on every
 * device. On the source the machine keeps running (before the switchover) or resumes (during
 * it); on the destination the loaded state is discarded. The device is not called again for this
 * migration except for its cleanup, which is where it should recover.
 *
 * <p><b>Thread:</b> the migration thread (source or destination). <b>Run state:</b> whatever the
 * failing call documents.
 *
 * @since 0.1
 */
public non-sealed class DeviceFailureException extends DeviceException {

    private static final long serialVersionUID = 1L;

    public DeviceFailureException(String message) {
        super(message);
    }

    public DeviceFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
