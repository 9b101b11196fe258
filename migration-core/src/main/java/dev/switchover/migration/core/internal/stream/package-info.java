/**
 * QEMU's migration stream format (magic {@code QEVM}, version 3): sections with footers,
 * commands, EOF and the trailing JSON VM description, plus the return-path messages the
 * destination sends back.
 *
 * <p>The writer and reader are the only code that knows the byte layout; the engine speaks
 * in {@link dev.switchover.migration.core.internal.stream.StreamItem}s and devices in
 * {@link dev.switchover.migration.spi.SectionWriter}/{@link
 * dev.switchover.migration.spi.SectionReader} payloads. Everything read is treated as
 * hostile: every length is bounded and every error names the byte offset.
 */
package dev.switchover.migration.core.internal.stream;
