package dev.switchover.device.ram;

import dev.switchover.migration.tck.MemorySectionReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An independent test-side parser of one chunk of RAM page records, for asserting the encoding. */
final class PageRecords {

    /** One page record: its offset, flags and the block name it carried ({@code null} with CONTINUE). */
    record Rec(long offset, int flags, String block, int fill) {
        boolean isZero() {
            return (flags & 0x02) != 0;
        }

        boolean isContinue() {
            return (flags & 0x20) != 0;
        }
    }

    private PageRecords() {
    }

    /** Parses page records up to EOS and checks EOS is the last thing in {@code payload}. */
    static List<Rec> parse(byte[] payload) throws IOException {
        MemorySectionReader in = new MemorySectionReader(payload);
        List<Rec> out = new ArrayList<>();
        while (true) {
            long word = in.readLong();
            int flags = (int) (word & 0xFFF);
            if (flags == 0x10) {
                assertThat(word).isEqualTo(0x10L);
                break;
            }
            String block = null;
            if ((flags & 0x20) == 0) {
                byte[] name = new byte[in.readUnsignedByte()];
                in.readFully(name);
                block = new String(name, StandardCharsets.UTF_8);
            }
            int fill = -1;
            if ((flags & 0x02) != 0) {
                fill = in.readUnsignedByte();
            } else {
                assertThat(flags & 0x08).as("PAGE flag in 0x%x", flags).isNotZero();
                in.skipFully(GuestMemory.PAGE_SIZE);
            }
            out.add(new Rec(word & ~0xFFFL, flags, block, fill));
        }
        assertThat(in.remaining()).as("EOS ends the chunk").isZero();
        return out;
    }
}
