/**
 * Migration transports: {@code tcp:host:port}, {@code unix:path} and {@code file:path}, each
 * giving a {@link dev.switchover.migration.core.internal.transport.MigrationChannel} with the
 * stream in one direction and, on sockets, the return path in the other. All channels are
 * blocking and interruptible: closing one from another thread unblocks a thread blocked in it,
 * which is how a migration is cancelled.
 */
package dev.switchover.migration.core.internal.transport;
