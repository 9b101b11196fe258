package dev.switchover.migration.core.internal.analysis;

import dev.switchover.migration.core.internal.stream.SectionRecord;

import java.util.List;
import java.util.Optional;

/**
 * What {@link StreamAnalyzer} found; the facade's {@code StreamAnalysis} is made from it.
 *
 * @param format       {@code switchover} (a manifest was found) or {@code qemu}
 * @param machineType  the configuration section's machine type, if any
 * @param sections     every section read, in stream order
 * @param checksums    per section: {@code ok}, {@code mismatch} or {@code unchecked}
 * @param ramBlocks    the RAM blocks named in {@code ram} sections
 * @param bytes        the file's size
 * @param problem      why the stream is not valid, if it is not
 */
public record AnalysisResult(String format, Optional<String> machineType, List<SectionRecord> sections,
                             List<String> checksums, List<BlockCount> ramBlocks, long bytes, Optional<Problem> problem) {

    /**
     * A RAM block and its page records.
     *
     * @param name        block name
     * @param length      used length
     * @param zeroPages   ZERO records
     * @param normalPages PAGE records
     */
    public record BlockCount(String name, long length, long zeroPages, long normalPages) {
    }

    /**
     * @param offset stream offset, or -1
     * @param reason what is wrong
     */
    public record Problem(long offset, String reason) {
    }

    /** Reads the payload of a section the engine has no layout for; false if it does not know it either. */
    @FunctionalInterface
    public interface SectionWalker {
        boolean walk(String name, int instance, int version, boolean first,
                     dev.switchover.migration.spi.SectionReader payload) throws java.io.IOException;
    }
}
