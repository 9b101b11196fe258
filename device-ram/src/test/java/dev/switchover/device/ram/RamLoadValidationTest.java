package dev.switchover.device.ram;

import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.tck.MemorySectionReader;
import dev.switchover.migration.tck.StreamBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every malformed RAM stream is refused with an {@link InvalidSectionException} (an {@link
 * EOFException} when it ends inside a record) that says what and where.
 */
class RamLoadValidationTest {

    private static final long SIZE = 64 * 1024;
    private RamDevice destination;

    @BeforeEach
    void create() {
        destination = RamHarness.device(Map.of("size", "64K", "fill", "pattern", "block", "ram0"));
        destination.loadSetup();
    }

    @AfterEach
    void close() {
        destination.close();
    }

    private static StreamBytes blockList(long total, String name, long used) {
        StreamBytes w = new StreamBytes();
        w.be64(total | 0x04);
        w.counted(name);
        w.be64(used);
        w.be64(0x10);
        return w;
    }

    private void load(SectionKind kind, StreamBytes w) throws IOException {
        destination.loadSection(new MemorySectionReader(w.toByteArray()), kind, RamDevice.SECTION_VERSION);
    }

    private void loadValidStart() throws IOException {
        load(SectionKind.START, blockList(SIZE, "ram0", SIZE));
    }

    private void assertPartRefused(StreamBytes part, String... messageParts) throws IOException {
        loadValidStart();
        assertThatThrownBy(() -> load(SectionKind.PART, part)).isInstanceOf(InvalidSectionException.class)
                .hasMessageStartingWith("ram0: ").hasMessageContainingAll(messageParts);
    }

    @Test
    void aValidStreamLoads() throws IOException {
        loadValidStart();
        StreamBytes part = new StreamBytes();
        part.be64(4096 | 0x02);
        part.counted("ram0");
        part.u8(0);
        part.be64(8192 | 0x08 | 0x20);
        part.bytes(new byte[4096]);
        part.be64(0x10);
        load(SectionKind.PART, part);
        // CONTINUE refers to the last named block, also across sections
        StreamBytes next = new StreamBytes();
        next.be64(0x02 | 0x20);
        next.u8(0);
        next.be64(0x10);
        load(SectionKind.PART, next);
        assertThat(destination.memory().readLong(0)).isZero();
        assertThat(destination.memory().readLong(4096)).isZero();
        assertThat(destination.memory().readLong(3 * 4096)).isNotZero();
    }

    @Test
    void anEndSectionCompletesTheBlockOnlyIfEveryPageArrived() throws IOException {
        loadValidStart();
        StreamBytes part = new StreamBytes();
        part.be64(0x02);
        part.counted("ram0");
        part.u8(0);
        for (long page = 1; page < SIZE / 4096; page++) {
            if (page != 5 && page != 9) {
                part.be64(page * 4096 | 0x02 | 0x20);
                part.u8(0);
            }
        }
        part.be64(0x10);
        load(SectionKind.PART, part);
        StreamBytes end = new StreamBytes();
        end.be64(9 * 4096 | 0x02 | 0x20);
        end.u8(0);
        end.be64(0x10);
        assertThatThrownBy(() -> load(SectionKind.END, end)).isInstanceOf(InvalidSectionException.class)
                .hasMessage("ram0: RAM block 'ram0' is incomplete at the END section: 1 of its 16 pages never arrived"
                        + " (the first at offset 0x5000)");

        StreamBytes last = new StreamBytes();
        last.be64(5 * 4096 | 0x02 | 0x20);
        last.u8(0);
        last.be64(0x10);
        load(SectionKind.END, last);
        assertThat(destination.memory().readLong(5 * 4096)).isZero();
    }

    @Test
    void ramSizeMismatch() {
        assertThatThrownBy(() -> load(SectionKind.START, blockList(128 * 1024, "ram0", 128 * 1024)))
                .isInstanceOf(InvalidSectionException.class)
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
        StreamBytes part = new StreamBytes();
        part.be64(0x10);
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
        StreamBytes part = new StreamBytes();
        part.be64(4096 | 0x40);
        assertPartRefused(part, "unsupported RAM record flags XBZRLE", "(PART section)");
    }

    @Test
    void obsoleteAndUndefinedFlags() throws IOException {
        StreamBytes part = new StreamBytes();
        part.be64(0x08 | 0x100 | 0x400 | 0x01);
        assertPartRefused(part, "FULL|COMPRESS_PAGE|0x400");
    }

    @Test
    void twoRecordTypesAtOnce() throws IOException {
        StreamBytes part = new StreamBytes();
        part.be64(0x02 | 0x08);
        assertPartRefused(part, "ZERO|PAGE", "exactly one of ZERO, MEM_SIZE, PAGE, EOS");
    }

    @Test
    void noRecordType() throws IOException {
        StreamBytes part = new StreamBytes();
        part.be64(4096 | 0x20);
        assertPartRefused(part, "flags CONTINUE", "exactly one of");
    }

    @Test
    void continueOnTheBlockList() {
        StreamBytes start = new StreamBytes();
        start.be64(SIZE | 0x04 | 0x20);
        assertThatThrownBy(() -> load(SectionKind.START, start)).isInstanceOf(IOException.class)
                .hasMessageContaining("MEM_SIZE record has the CONTINUE flag");
    }

    @Test
    void eosWithExtraBits() throws IOException {
        StreamBytes part = new StreamBytes();
        part.be64(4096 | 0x10);
        assertPartRefused(part, "an EOS record carries an address or other flags");
    }

    @Test
    void pageBeyondTheBlock() throws IOException {
        StreamBytes part = new StreamBytes();
        part.be64(SIZE | 0x08);
        part.counted("ram0");
        assertPartRefused(part, "page offset 0x10000 is outside RAM block 'ram0' (used_length 64 KiB)");
    }

    @Test
    void pageWithTheTopBitSet() throws IOException {
        StreamBytes part = new StreamBytes();
        part.be64(Long.MIN_VALUE | 0x02);
        part.counted("ram0");
        assertPartRefused(part, "page offset 0x8000000000000000 is outside");
    }

    @Test
    void pageOfAnUnknownBlock() throws IOException {
        StreamBytes part = new StreamBytes();
        part.be64(0x08);
        part.counted("ram1\n");
        assertPartRefused(part, "page record for unknown RAM block 'ram1?'");
    }

    @Test
    void continueWithoutANamedBlock() throws IOException {
        StreamBytes part = new StreamBytes();
        part.be64(0x08 | 0x20);
        assertPartRefused(part, "CONTINUE, but no earlier record named a RAM block");
    }

    @Test
    void zeroPageWithANonZeroFillByte() throws IOException {
        StreamBytes part = new StreamBytes();
        part.be64(4096 | 0x02);
        part.counted("ram0");
        part.u8(7);
        assertPartRefused(part, "zero page at offset 0x1000 carries fill byte 7");
    }

    @Test
    void truncatedPage() throws IOException {
        loadValidStart();
        StreamBytes part = new StreamBytes();
        part.be64(0x02);
        part.counted("ram0");
        part.u8(0);
        part.be64(4096 | 0x08 | 0x20);
        part.bytes(new byte[100]);
        assertThatThrownBy(() -> load(SectionKind.PART, part)).isInstanceOf(EOFException.class)
                .hasMessage("ram0: the PART section ended inside a RAM record, before EOS")
                .hasCauseInstanceOf(EOFException.class);
    }

    @Test
    void missingEos() {
        StreamBytes start = new StreamBytes();
        start.be64(SIZE | 0x04);
        start.counted("ram0");
        start.be64(SIZE);
        assertThatThrownBy(() -> load(SectionKind.START, start)).isInstanceOf(EOFException.class)
                .hasMessageContaining("the START section ended inside a RAM record");
    }

    @Test
    void emptyPayload() {
        assertThatThrownBy(() -> load(SectionKind.START, new StreamBytes()))
                .isInstanceOf(EOFException.class).hasMessageContaining("ram0: the START section ended");
    }
}
