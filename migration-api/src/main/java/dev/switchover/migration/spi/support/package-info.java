/**
 * Optional helpers for device authors: the building blocks most devices with live state need,
 * so a third-party device does not have to get lock-free dirty tracking or a paced workload
 * right on its own. Nothing in the SPI requires them.
 *
 * <ul>
 *   <li>{@link dev.switchover.migration.spi.support.DirtyLog}: marked by any thread, drained by
 *       the migration thread at an EXACT query;
 *   <li>{@link dev.switchover.migration.spi.support.LongBitSet}: the migration thread's bitmap
 *       of what is still to send;
 *   <li>{@link dev.switchover.migration.spi.support.PendingLedger}: what ESTIMATE answers from,
 *       the last EXACT figures minus what was sent since;
 *   <li>{@link dev.switchover.migration.spi.support.PacedLoop}: a workload thread that runs at a
 *       configured rate while the machine runs and is joined when it stops.
 * </ul>
 *
 * @since 0.1
 */
package dev.switchover.migration.spi.support;
