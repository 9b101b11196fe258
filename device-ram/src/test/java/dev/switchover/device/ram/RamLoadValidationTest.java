package dev.switchover.device.ram;

import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.tck.MemorySectionReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every malformed RAM stream is refused with an {@link IOException} that says what and where. */
class RamLoadValidationTest {

    private static final long SIZE = 64 * 1024;
    private RamDevice destination;

    @BeforeEach
    void create() {
        destination = RamHarness.device(Map.of("size", "64K", "fill", "pattern"));
        destination.loadSetup();
    }

    @AfterEach
    void close() {
        destination.close();
    }

    private static ByteArraySectionWriter blockList(long total, String name, long used) {
        ByteArraySectionWriter w = new ByteArraySectionWriter();
        w.writeLong(total | 0x04);
        name(w, name);
        w.writeLong(used);
        w.writeLong(0x10);
        return w;
    }

    private static void name(ByteArraySectionWriter w, String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        w.writeByte(b.length);
        w.write(b);
    }

    private void load(SectionKind kind, ByteArraySectionWriter w) throws IOException {
        destination.loadSection(new MemorySectionReader(w.toByteArray()), kind, RamDevice.SECTION_VERSION);
    }

    private void loadValidStart() throws IOException {
        load(SectionKind.START, blockList(SIZE, "ram0", SIZE));
    }

    private void assertPartRefused(ByteArraySectionWriter part, String... messageParts) throws IOException {
        loadValidStart();
        assertThatThrownBy(() -> load(SectionKind.PART, part)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("ram0: ").hasMessageContainingAll(messageParts);
    }

    @Test
    void aValidStreamLoads() throws IOException {
        loadValidStart();
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(4096 | 0x02);
        name(part, "ram0");
        part.writeByte(0);
        part.writeLong(8192 | 0x08 | 0x20);
        part.write(new byte[4096]);
        part.writeLong(0x10);
        load(SectionKind.PART, part);
        // CONTINUE refers to the last named block, also across sections
        ByteArraySectionWriter end = new ByteArraySectionWriter();
        end.writeLong(0x02 | 0x20);
        end.writeByte(0);
        end.writeLong(0x10);
        load(SectionKind.END, end);
        assertThat(destination.memory().readLong(0)).isZero();
        assertThat(destination.memory().readLong(4096)).isZero();
        assertThat(destination.memory().readLong(3 * 4096)).isNotZero();
    }

    @Test
    void ramSizeMismatch() {
        assertThatThrownBy(() -> load(SectionKind.START, blockList(128 * 1024, "ram0", 128 * 1024)))
                .isInstanceOf(IOException.class)
                .hasMessage("ram0: stream carries 128 KiB of RAM, this machine has 64 KiB");
    }

    @Test
    void unknownBlockInTheBlockList() {
        assertThatThrownBy(() -> load(SectionKind.START, blockList(SIZE, "pc.ram", SIZE)))
                .isInstanceOf(IOException.class).hasMessageContainingAll("ram0: ", "unknown RAM block 'pc.ram'",
                        "START section");
    }

    @Test
    void blockLengthMismatch() {
        assertThatThrownBy(() -> load(SectionKind.START, blockList(SIZE, "ram0", 32 * 1024)))
                .isInstanceOf(IOException.class).hasMessageContainingAll("used_length 32768", "65536");
    }

    @Test
    void secondBlockList() throws IOException {
        loadValidStart();
        assertThatThrownBy(() -> load(SectionKind.START, blockList(SIZE, "ram0", SIZE)))
                .isInstanceOf(IOException.class).hasMessageContaining("second RAM block list");
    }

    @Test
    void blockListOutsideStart() throws IOException {
        loadValidStart();
        assertThatThrownBy(() -> load(SectionKind.PART, blockList(SIZE, "ram0", SIZE)))
                .isInstanceOf(IOException.class).hasMessageContaining("only appear in the START section");
    }

    @Test
    void pagesBeforeTheBlockList() {
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(0x10);
        assertThatThrownBy(() -> load(SectionKind.PART, part)).isInstanceOf(IOException.class)
                .hasMessage("ram0: a PART section arrived before the RAM block list (START section)");
    }

    @Test
    void fullSection() {
        assertThatThrownBy(() -> load(SectionKind.FULL, blockList(SIZE, "ram0", SIZE)))
                .isInstanceOf(IOException.class).hasMessageContaining("not in a FULL section");
    }

    @Test
    void unsupportedFlags() throws IOException {
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(4096 | 0x40);
        assertPartRefused(part, "unsupported RAM record flags XBZRLE", "PART section, byte 0");
    }

    @Test
    void obsoleteAndUndefinedFlags() throws IOException {
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(0x08 | 0x100 | 0x400 | 0x01);
        assertPartRefused(part, "FULL|COMPRESS_PAGE|0x400");
    }

    @Test
    void twoRecordTypesAtOnce() throws IOException {
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(0x02 | 0x08);
        assertPartRefused(part, "ZERO|PAGE", "exactly one of ZERO, MEM_SIZE, PAGE, EOS");
    }

    @Test
    void noRecordType() throws IOException {
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(4096 | 0x20);
        assertPartRefused(part, "flags CONTINUE", "exactly one of");
    }

    @Test
    void continueOnTheBlockList() {
        ByteArraySectionWriter start = new ByteArraySectionWriter();
        start.writeLong(SIZE | 0x04 | 0x20);
        assertThatThrownBy(() -> load(SectionKind.START, start)).isInstanceOf(IOException.class)
                .hasMessageContaining("MEM_SIZE record has the CONTINUE flag");
    }

    @Test
    void eosWithExtraBits() throws IOException {
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(4096 | 0x10);
        assertPartRefused(part, "EOS record carries extra bits");
    }

    @Test
    void pageBeyondTheBlock() throws IOException {
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(SIZE | 0x08);
        name(part, "ram0");
        assertPartRefused(part, "page offset 0x10000 is outside RAM block 'ram0' (used_length 64 KiB)");
    }

    @Test
    void pageWithTheTopBitSet() throws IOException {
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(Long.MIN_VALUE | 0x02);
        name(part, "ram0");
        assertPartRefused(part, "page offset 0x8000000000000000 is outside");
    }

    @Test
    void pageOfAnUnknownBlock() throws IOException {
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(0x08);
        name(part, "ram1\n");
        assertPartRefused(part, "page record for unknown RAM block 'ram1?'");
    }

    @Test
    void continueWithoutANamedBlock() throws IOException {
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(0x08 | 0x20);
        assertPartRefused(part, "CONTINUE, but no earlier record named a RAM block");
    }

    @Test
    void zeroPageWithANonZeroFillByte() throws IOException {
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(4096 | 0x02);
        name(part, "ram0");
        part.writeByte(7);
        assertPartRefused(part, "zero page at offset 0x1000 carries fill byte 7");
    }

    @Test
    void truncatedPage() throws IOException {
        loadValidStart();
        ByteArraySectionWriter part = new ByteArraySectionWriter();
        part.writeLong(0x02);
        name(part, "ram0");
        part.writeByte(0);
        part.writeLong(4096 | 0x08 | 0x20);
        part.write(new byte[100]);
        assertThatThrownBy(() -> load(SectionKind.PART, part)).isInstanceOf(EOFException.class)
                .hasMessage("ram0: the PART section ended inside the RAM record at byte 14 of its payload, before EOS")
                .hasCauseInstanceOf(EOFException.class);
    }

    @Test
    void missingEos() {
        ByteArraySectionWriter start = new ByteArraySectionWriter();
        start.writeLong(SIZE | 0x04);
        name(start, "ram0");
        start.writeLong(SIZE);
        assertThatThrownBy(() -> load(SectionKind.START, start)).isInstanceOf(EOFException.class)
                .hasMessageContaining("the START section ended inside the RAM record at byte 21");
    }

    @Test
    void emptyPayload() {
        assertThatThrownBy(() -> load(SectionKind.START, new ByteArraySectionWriter()))
                .isInstanceOf(EOFException.class).hasMessageContaining("ram0: the START section ended");
    }
}
