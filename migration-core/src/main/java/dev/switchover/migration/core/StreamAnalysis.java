package dev.switchover.migration.core;

import dev.switchover.migration.core.internal.analysis.AnalysisResult;
import dev.switchover.migration.core.internal.analysis.StreamAnalyzer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a migration stream file holds, read without loading it into any machine: its sections
 * (name, instance, version, kind, offset, size, checksum status), its RAM blocks with page
 * counts, and whether it is valid — with the stream offset and the reason when it is not. A
 * Switchover stream is walked with its manifest and every check a destination makes ({@code
 * docs/stream-format.md}); a QEMU stream as far as its RAM and storage-attribute sections go
 * without the VM description's field layouts (the {@code switchover analyze} command adds those).
 *
 * @param format      {@code switchover} (a manifest was found) or {@code qemu}
 * @param machineType the configuration section's machine type, if the stream has one
 * @param sections    every section read, in stream order
 * @param ramBlocks   every RAM block named in a {@code ram} section's block list
 * @param bytes       the file's size
 * @param problem     why the stream is not valid, if it is not
 * @since 0.1
 */
public record StreamAnalysis(String format, Optional<String> machineType, List<Section> sections,
                             List<RamBlock> ramBlocks, long bytes, Optional<Problem> problem) {

    public StreamAnalysis {
        Objects.requireNonNull(format, "format");
        sections = List.copyOf(sections);
        ramBlocks = List.copyOf(ramBlocks);
    }

    /** Whether every check passed. */
    public boolean valid() {
        return problem.isEmpty();
    }

    /** Reads and checks the stream in {@code file}. */
    public static StreamAnalysis of(Path file) throws IOException {
        return of(file, PayloadWalker.NONE);
    }

    /**
     * Reads and checks the stream in {@code file}, letting {@code walker} read the payloads of
     * sections the engine has no layout for (QEMU's devices, described by the VM description).
     */
    public static StreamAnalysis of(Path file, PayloadWalker walker) throws IOException {
        AnalysisResult r = StreamAnalyzer.analyze(file, walker::walk);
        java.util.ArrayList<Section> sections = new java.util.ArrayList<>();
        for (int i = 0; i < r.sections().size(); i++) {
            var s = r.sections().get(i);
            sections.add(new Section(s.index(), s.idstr(), s.instance(), s.version(), s.kind().name(), s.sectionId(),
                    s.offset(), s.payloadSize(), Checksum.valueOf(r.checksums().get(i).toUpperCase(java.util.Locale.ROOT))));
        }
        return new StreamAnalysis(r.format(), r.machineType(), sections,
                r.ramBlocks().stream().map(b -> new RamBlock(b.name(), b.length(), b.zeroPages(), b.normalPages()))
                        .toList(), r.bytes(), r.problem().map(p -> new Problem(p.offset(), p.reason())));
    }

    /**
     * The JSON VM description a stream file ends with (QEMU's and Switchover's streams have one),
     * found as QEMU's {@code analyze-migration.py} finds it; empty if the file does not end with
     * one. Its device layouts let a {@link PayloadWalker} read a QEMU stream's sections.
     */
    public static Optional<String> vmDescription(Path file) throws IOException {
        return StreamAnalyzer.vmDescription(file);
    }

    /**
     * One section.
     *
     * @param index     position among the stream's sections, from 0
     * @param name      its idstr ({@code ram}); for PART/END the one its START carried
     * @param instance  its instance id
     * @param version   its version id
     * @param kind      START, PART, END or FULL
     * @param sectionId the section id on the wire
     * @param offset    stream offset of its type byte
     * @param size      payload bytes
     * @param checksum  whether its CRC32C matched the manifest's
     */
    public record Section(int index, String name, int instance, int version, String kind, int sectionId, long offset,
                          long size, Checksum checksum) {
    }

    /** A section's checksum status. */
    public enum Checksum {
        /** The CRC32C matches the manifest's. */
        OK,
        /** The CRC32C differs from the manifest's. */
        MISMATCH,
        /** No manifest sums this section (a QEMU stream, or a section the manifest does not list). */
        UNCHECKED;

        /** {@code ok}, {@code mismatch}, {@code unchecked}. */
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A RAM block and the page records that carried it.
     *
     * @param name        the block's name ({@code pc.ram})
     * @param length      its used length in bytes
     * @param zeroPages   ZERO records
     * @param normalPages PAGE records
     */
    public record RamBlock(String name, long length, long zeroPages, long normalPages) {
    }

    /**
     * Why a stream is not valid.
     *
     * @param offset the stream offset where the problem was found, or -1
     * @param reason what is wrong, naming the section and device; never payload bytes
     */
    public record Problem(long offset, String reason) {
    }

    /** Reads the payload of a section the engine has no layout for. */
    @FunctionalInterface
    public interface PayloadWalker {

        /** Knows no layout. */
        PayloadWalker NONE = (name, instance, version, first, payload) -> false;

        /**
         * @param first   whether this is the section's START/FULL (not a PART/END)
         * @param payload the payload, to be read exactly to its end
         * @return whether it knew the section and read its payload; false leaves it untouched
         */
        boolean walk(String name, int instance, int version, boolean first,
                     dev.switchover.migration.spi.SectionReader payload) throws IOException;
    }
}
