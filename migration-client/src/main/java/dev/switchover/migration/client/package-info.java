/**
 * A client for QMP, the QEMU Machine Protocol, as spoken by Switchover's monitor and by QEMU
 * itself: connect to {@code unix:/path} or {@code tcp:host:port}, run commands, receive events.
 * Start with {@link dev.switchover.migration.client.QmpClient#connect(String)}.
 *
 * @since 0.1
 */
package dev.switchover.migration.client;
