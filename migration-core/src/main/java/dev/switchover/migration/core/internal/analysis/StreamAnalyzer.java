package dev.switchover.migration.core.internal.analysis;

import dev.switchover.migration.core.internal.stream.MigrationStreamException;
import dev.switchover.migration.core.internal.stream.SectionRecord;
import dev.switchover.migration.core.internal.stream.StreamItem;
import dev.switchover.migration.core.internal.stream.StreamManifest;
import dev.switchover.migration.core.internal.stream.StreamReader;
import dev.switchover.migration.core.internal.stream.StreamVerifier;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks a stream file for the facade's {@code StreamAnalysis}: with the manifest found at its end (a
 * Switchover stream), every section's payload is skipped by its size (RAM and storage-attribute
 * sections are read record by record, to count pages) and then checked as a destination checks
 * it ({@link StreamVerifier}); without one (a QEMU stream), the sections whose format is known
 * ({@link QemuLiveSections}) or that the caller's walker knows are read, and the walk stops with
 * a reason at the first it cannot read. The first problem ends the walk.
 */
public final class StreamAnalyzer {

    private static final int BUFFER_BYTES = 1 << 20;

    private StreamAnalyzer() {
    }

    public static Optional<String> vmDescription(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return StreamTail.read(ch).description();
        }
    }

    public static AnalysisResult analyze(Path file, AnalysisResult.SectionWalker walker) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Optional<ManifestLocator.Found> found;
            try {
                found = ManifestLocator.find(ch);
            } catch (MigrationStreamException e) {
                return new AnalysisResult("switchover", Optional.empty(), List.of(), List.of(), List.of(), size,
                        Optional.of(new AnalysisResult.Problem(e.offset(), e.problem())));
            }
            ch.position(0);
            Walk walk = new Walk(new StreamReader(ch, BUFFER_BYTES), found.orElse(null), walker);
            Optional<AnalysisResult.Problem> problem = walk.run(size);
            return new AnalysisResult(found.isPresent() ? "switchover" : "qemu", Optional.ofNullable(walk.machineType),
                    List.copyOf(walk.reader.sections()), walk.checksums(), walk.live.ramBlocks(), size, problem);
        }
    }

    /** One walk through one stream. */
    private static final class Walk {
        private final StreamReader reader;
        private final ManifestLocator.Found found;
        private final AnalysisResult.SectionWalker walker;
        private final QemuLiveSections live = new QemuLiveSections();
        private String machineType;
        private long manifestOffset = -1;

        Walk(StreamReader reader, ManifestLocator.Found found, AnalysisResult.SectionWalker walker) {
            this.reader = reader;
            this.found = found;
            this.walker = walker;
        }

        Optional<AnalysisResult.Problem> run(long size) throws IOException {
            try {
                reader.readHeader();
                while (true) {
                    StreamItem item = reader.next();
                    long at = reader.itemOffset();
                    switch (item) {
                        case StreamItem.Configuration c -> machineType = c.machineType();
                        case StreamItem.Command c -> {
                            // PING, OPEN_RETURN_PATH: nothing to walk
                        }
                        case StreamItem.Section sec -> {
                            payload(reader.openSectionStart(), sec.kind(), at);
                            reader.readFooter(sec.sectionId());
                        }
                        case StreamItem.Eof eof -> {
                            String description = reader.readVmDescription();
                            if (found != null) {
                                verify(description, at);
                            }
                            reader.expectEnd();
                            return Optional.empty();
                        }
                    }
                }
            } catch (MigrationStreamException e) {
                return Optional.of(new AnalysisResult.Problem(e.offset(), e.problem()));
            } catch (EOFException e) {
                return Optional.of(new AnalysisResult.Problem(size, "the stream ends early: " + e.getMessage()));
            }
        }

        private void payload(StreamItem.Section start, SectionKind kind, long at) throws IOException {
            SectionReader in = reader.payload();
            int index = reader.sections().size();
            String name = start.idstr();
            if (found != null) {
                if (StreamManifest.IDSTR.equals(name)) {
                    manifestOffset = at;
                    in.skipFully(found.payloadSize());
                    return;
                }
                long[] sizes = found.manifest().sectionSizes();
                if (index >= sizes.length) {
                    throw new MigrationStreamException(at, "section " + index + " ('" + name + "' instance "
                            + start.instanceId() + ", " + kind + ") is not in the stream's manifest, which lists "
                            + sizes.length + " sections");
                }
                if (QemuLiveSections.knows(name)) {
                    live.read(name, in, at);
                    if (in.bytesRead() != sizes[index]) {
                        throw new MigrationStreamException(at, "section " + index + " ('" + name + "' instance "
                                + start.instanceId() + ", " + kind + ") holds " + in.bytesRead()
                                + " payload bytes of records; the manifest says " + sizes[index]);
                    }
                } else {
                    in.skipFully(sizes[index]);
                }
                return;
            }
            if (QemuLiveSections.knows(name)) {
                live.read(name, in, at);
            } else if (!walker.walk(name, start.instanceId(), start.versionId(),
                    kind == SectionKind.START || kind == SectionKind.FULL, in)) {
                throw new MigrationStreamException(at, "section " + index + " ('" + name + "' instance "
                        + start.instanceId() + " version " + start.versionId() + ", " + kind
                        + ") has no layout this reader knows");
            }
        }

        private void verify(String description, long eofAt) throws IOException {
            List<SectionRecord> all = reader.sections();
            if (manifestOffset < 0 || all.isEmpty()
                    || !StreamManifest.IDSTR.equals(all.getLast().idstr())) {
                throw new MigrationStreamException(eofAt, "the stream's manifest is not its last section");
            }
            StreamVerifier verifier = new StreamVerifier(r -> null);
            verifier.verifySections(all.subList(0, all.size() - 1), found.manifest(), manifestOffset);
            verifier.verifyVmDescription(description, found.manifest(), reader.vmDescriptionOffset());
        }

        /** Per section read: {@code ok}, {@code mismatch} or {@code unchecked} against the manifest. */
        List<String> checksums() {
            List<String> out = new ArrayList<>();
            int[] sums = found == null ? new int[0] : found.manifest().sectionCrcs();
            for (SectionRecord r : reader.sections()) {
                if (found != null && StreamManifest.IDSTR.equals(r.idstr())) {
                    out.add("ok"); // it passed its own sum when it was found
                } else if (r.index() < sums.length) {
                    out.add(sums[r.index()] == r.crc32c() ? "ok" : "mismatch");
                } else {
                    out.add("unchecked");
                }
            }
            return out;
        }
    }
}
