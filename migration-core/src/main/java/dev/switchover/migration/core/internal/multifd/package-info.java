/**
 * multifd: the pages devices write by reference travel on extra connections, each with its own
 * thread on both sides, while the main stream keeps device state, the framing that says which
 * channel carries each page ({@link dev.switchover.migration.spi.SectionOutput.ReferenceRoute}),
 * the manifest and the commit handshake. See {@code docs/stream-format.md}.
 *
 * <p>The destination applies every page in the main stream's order, so a page sent twice can
 * never have its older copy land over its newer one, whatever channel each copy took.
 */
package dev.switchover.migration.core.internal.multifd;
