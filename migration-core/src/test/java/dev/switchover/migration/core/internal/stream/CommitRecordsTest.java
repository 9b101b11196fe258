package dev.switchover.migration.core.internal.stream;

import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommitRecordsTest {

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void commitIsACommandInQemusFramingWithAnExtensionNumber() {
        assertThat(bytes(CommitRecords.commit())).containsExactly(0x08, 0x7f, 0x01, 0, 0);
    }

    @Test
    void readCommitAcceptsCommitAndReportsAnAbortWithItsReason() throws IOException {
        CommitRecords.readCommit(TestChannels.source(bytes(CommitRecords.commit()), 1));
        assertThatThrownBy(() -> CommitRecords.readCommit(TestChannels.source(bytes(CommitRecords.abort("disk full")), 2)))
                .isInstanceOf(CommitRecords.SourceAbortedException.class)
                .hasMessage("source aborted: disk full");
        assertThatThrownBy(() -> CommitRecords.readCommit(TestChannels.source(new byte[0])))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> CommitRecords.readCommit(TestChannels.source(new byte[] {0x08, 0, 2, 0, 4, 0, 0, 0, 1})))
                .isInstanceOf(MigrationStreamException.class)
                .hasMessageContaining("expected COMMIT");
    }

    @Test
    void anAbortReasonIsSanitisedAndBounded() {
        byte[] record = bytes(CommitRecords.abort("line one\nline\u0000two " + "é".repeat(5000)));
        assertThat(record.length).isLessThanOrEqualTo(5 + CommitRecords.MAX_ABORT_DATA_BYTES);
        String reason = CommitRecords.abortAtEnd(record, record.length).orElseThrow();
        assertThat(reason).startsWith("line one line two é").doesNotContain("\n", "\u0000", "\ufffd");
    }

    @Test
    void anAbortIsFoundOnlyWhereItEndsTheStream() {
        byte[] junk = new byte[10_000];
        new Random(1).nextBytes(junk);
        byte[] abort = bytes(CommitRecords.abort("device 'vfio0' failed"));
        assertThat(CommitRecords.abortAtEnd(concat(junk, abort), junk.length + abort.length))
                .contains("device 'vfio0' failed");
        byte[] trailing = concat(concat(junk, abort), new byte[] {1});
        assertThat(CommitRecords.abortAtEnd(trailing, trailing.length)).isEmpty();
        assertThat(CommitRecords.abortAtEnd(junk, junk.length)).isEmpty();
        byte[] noMarker = concat(junk, new byte[] {0x08, 0x7f, 0x02, 0, 3, 'a', 'b', 'c'});
        assertThat(CommitRecords.abortAtEnd(noMarker, noMarker.length)).isEmpty();
    }

    @Test
    void theTailRecorderFindsAnAbortThatADeviceAlreadyReadAsData() throws IOException {
        byte[] junk = new byte[300_000];
        new Random(2).nextBytes(junk);
        byte[] stream = concat(junk, bytes(CommitRecords.abort("cancelled by the operator")));
        TailRecorder tail = new TailRecorder(TestChannels.source(stream, 7_001));
        ByteBuffer b = ByteBuffer.allocate(stream.length - 10); // a reader consumed most of the record already
        while (b.hasRemaining() && tail.read(b) >= 0) {
            // read on
        }
        assertThat(tail.abortReason(1 << 20)).contains("cancelled by the operator");
    }

    @Test
    void theTailRecorderStopsAtItsByteBound() {
        byte[] stream = concat(new byte[4096], bytes(CommitRecords.abort("late")));
        TailRecorder tail = new TailRecorder(TestChannels.source(stream, 512));
        assertThat(tail.abortReason(1024)).isEmpty();
        assertThat(new String(bytes(CommitRecords.abort("x")), StandardCharsets.ISO_8859_1)).contains("switchover-abort:");
    }
}
