package dev.switchover.it.stream;

import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.core.StreamAnalysis;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream mutation matrix, on a real stream of every first-party device (RAM, VFIO, dirty
 * bitmaps, storage attributes) loaded by real machines in this JVM: a byte flipped in each
 * section, each section dropped, duplicated, swapped with the next, the stream cut at every
 * section boundary and inside the last RAM page, bytes appended. Each mutant is refused — status
 * {@code failed}, the machine in {@code internal-error}, never running — with an {@code
 * error-desc} that gives a stream offset and, where one section was changed, names it.
 */
class StreamMutationMatrixTest {

    @TempDir
    static Path dir;
    private static StreamFiles files;
    private static StreamFiles.Saved seed;
    private static List<StreamAnalysis.Section> sections;

    @BeforeAll
    static void saveTheSeed() throws Exception {
        files = new StreamFiles(dir);
        seed = files.save();
        StreamAnalysis analysis = files.analyze(seed.bytes());
        assertThat(analysis.problem()).as("the seed stream is valid").isEmpty();
        sections = analysis.sections();
        assertThat(sections).extracting(StreamAnalysis.Section::name)
                .contains("ram", "s390-storage_attributes", "switchover/manifest");
    }

    @Test
    void theUnmutatedStreamLoadsAndRunsWithTheSourcesState() throws Exception {
        StreamFiles.Load load = files.load(seed.bytes());
        assertThat(load.status()).as(load.errorDesc()).isEqualTo(MigrationStatus.COMPLETED);
        assertThat(load.runState()).isEqualTo(RunState.RUNNING);
        assertThat(load.digests()).isEqualTo(seed.digests());
    }

    @TestFactory
    Stream<DynamicTest> aByteFlippedInAnySectionIsRefusedNamingThatSection() {
        return sections.stream().flatMap(s -> Stream.of(
                DynamicTest.dynamicTest("flip the middle of section " + s.index() + " " + label(s), () -> {
                    byte[] b = seed.bytes().clone();
                    b[(int) (StreamFiles.payloadStart(s) + s.size() / 2)] ^= 0x20;
                    assertRefused(b, named(s));
                }),
                DynamicTest.dynamicTest("flip the header of section " + s.index() + " " + label(s), () -> {
                    byte[] b = seed.bytes().clone();
                    b[(int) s.offset() + 4] ^= 0x01; // the low byte of the section id
                    assertRefused(b, "offset " + s.offset());
                })));
    }

    @TestFactory
    Stream<DynamicTest> aDroppedDuplicatedOrSwappedSectionIsRefused() {
        List<DynamicTest> tests = new ArrayList<>();
        for (StreamAnalysis.Section s : sections) {
            long[] span = StreamFiles.span(s);
            tests.add(DynamicTest.dynamicTest("drop section " + s.index() + " " + label(s),
                    () -> assertRefused(splice(span[0], span[1], new byte[0]), "section")));
            tests.add(DynamicTest.dynamicTest("duplicate section " + s.index() + " " + label(s),
                    () -> assertRefused(splice(span[1], span[1], range(span)), "section")));
            if (s.index() + 1 < sections.size()) {
                long[] next = StreamFiles.span(sections.get(s.index() + 1));
                tests.add(DynamicTest.dynamicTest("swap sections " + s.index() + " and " + (s.index() + 1), () -> {
                    byte[] swapped = concat(range(next), range(span));
                    assertRefused(splice(span[0], next[1], swapped), "section");
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> aStreamCutShortOrWithBytesAppendedIsRefused() {
        List<DynamicTest> tests = new ArrayList<>();
        int length = seed.bytes().length;
        for (StreamAnalysis.Section s : sections) {
            tests.add(DynamicTest.dynamicTest("cut before section " + s.index() + " " + label(s),
                    () -> assertRefused(Arrays.copyOf(seed.bytes(), (int) s.offset()), "cut short")));
        }
        long afterManifest = StreamFiles.span(sections.getLast())[1];
        tests.add(DynamicTest.dynamicTest("cut before EOF",
                () -> assertRefused(Arrays.copyOf(seed.bytes(), (int) afterManifest), "cut short")));
        tests.add(DynamicTest.dynamicTest("cut after EOF, before the VM description",
                () -> assertRefused(Arrays.copyOf(seed.bytes(), (int) afterManifest + 1), "VM description")));
        tests.add(DynamicTest.dynamicTest("cut inside the VM description",
                () -> assertRefused(Arrays.copyOf(seed.bytes(), length - 3), "cut short")));
        // the RAM is random, so the last record before the EOS of the last RAM section with pages is a page
        StreamAnalysis.Section lastRam = sections.stream().filter(s -> s.name().equals("ram") && s.size() > 4096)
                .reduce((a, b) -> b).orElseThrow();
        tests.add(DynamicTest.dynamicTest("cut inside the last RAM page (section " + lastRam.index() + ")",
                () -> assertRefused(Arrays.copyOf(seed.bytes(), (int) (StreamFiles.payloadStart(lastRam)
                        + lastRam.size() - 8 - 2048)), "section " + lastRam.index() + " ('ram' instance 0")));
        tests.add(DynamicTest.dynamicTest("one zero byte appended",
                () -> assertRefused(concat(seed.bytes(), new byte[1]), "follow the end of the stream")));
        tests.add(DynamicTest.dynamicTest("a second stream appended",
                () -> assertRefused(concat(seed.bytes(), seed.bytes()), "follow the end of the stream")));
        tests.add(DynamicTest.dynamicTest("the VM description's text changed", () -> {
            byte[] b = seed.bytes().clone();
            b[length - 2] ^= 0x01;
            assertRefused(b, "VM description");
        }));
        tests.add(DynamicTest.dynamicTest("the EOF marker changed", () -> {
            byte[] b = seed.bytes().clone();
            b[(int) afterManifest] = 0x02;
            assertRefused(b, "offset " + afterManifest);
        }));
        return tests.stream();
    }

    private static void assertRefused(byte[] mutant, String named) throws Exception {
        StreamFiles.Load load = files.load(mutant);
        assertThat(load.status()).as("status; error-desc: %s", load.errorDesc()).isEqualTo(MigrationStatus.FAILED);
        assertThat(load.ran()).as("ran").isFalse();
        assertThat(load.runState()).isEqualTo(RunState.INTERNAL_ERROR);
        assertThat(load.errorDesc()).containsPattern("offset \\d+").contains(named);
        assertThat(load.errorDesc()).doesNotContain("Exception");
    }

    private static String named(StreamAnalysis.Section s) {
        return s.name().equals("switchover/manifest") ? "manifest" : "section " + s.index() + " ('" + s.name() + "'";
    }

    private static String label(StreamAnalysis.Section s) {
        return "(" + s.name() + " " + s.kind() + ")";
    }

    private static byte[] range(long[] span) {
        return Arrays.copyOfRange(seed.bytes(), (int) span[0], (int) span[1]);
    }

    private static byte[] splice(long from, long to, byte[] insert) {
        byte[] b = seed.bytes();
        return concat(Arrays.copyOf(b, (int) from), insert, Arrays.copyOfRange(b, (int) to, b.length));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
