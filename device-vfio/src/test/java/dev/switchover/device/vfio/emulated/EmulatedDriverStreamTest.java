package dev.switchover.device.vfio.emulated;

import dev.switchover.device.vfio.driver.PrecopyInfo;
import dev.switchover.device.vfio.driver.VfioDriverException;
import dev.switchover.device.vfio.driver.VfioState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmulatedDriverStreamTest {

    static final long STATE = 1 << 20;
    static final long PRECOPY = 256 << 10;
    static final long CHUNK = ChunkLayout.CHUNK_SIZE;
    static final long HEADER = ChunkLayout.HEADER_BYTES;
    static final long PRECOPY_STREAM = PRECOPY + 4 * HEADER;
    static final long STOP_ONLY_STREAM = STATE - PRECOPY + 12 * HEADER;

    private static EmulatedVfioDriver driver(long seed) {
        return new EmulatedVfioDriver(EmulatedDriverConfig.of(STATE, PRECOPY, seed));
    }

    private static EmulatedVfioDriver resuming(long seed) throws VfioDriverException {
        EmulatedVfioDriver d = driver(seed);
        d.setState(VfioState.RUNNING_P2P);
        d.setState(VfioState.STOP);
        d.setState(VfioState.RESUMING);
        return d;
    }

    private static byte[] read(EmulatedVfioDriver d, int pieceSize) throws VfioDriverException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MemorySegment buf = MemorySegment.ofArray(new byte[pieceSize]);
        int n;
        while ((n = d.read(buf)) > 0) {
            out.write(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), 0, n);
        }
        return out.toByteArray();
    }

    private record Chunk(long offset, int length) {
    }

    private static List<Chunk> chunks(byte[] stream) {
        List<Chunk> list = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(stream);
        while (b.hasRemaining()) {
            Chunk c = new Chunk(b.getLong(), b.getInt());
            b.position(b.position() + c.length());
            list.add(c);
        }
        return list;
    }

    @Test
    void sizesOutsideASessionCoverTheWholeState() throws Exception {
        EmulatedVfioDriver d = driver(1);
        assertThat(d.migDataSize()).isEqualTo(PRECOPY_STREAM + STOP_ONLY_STREAM);
    }

    @Test
    void initialBytesShrinkAsTheyAreReadAndStopCopyLengthIncludesThem() throws Exception {
        EmulatedVfioDriver d = driver(1);
        d.setState(VfioState.PRE_COPY);
        assertThat(d.precopyInfo()).isEqualTo(new PrecopyInfo(PRECOPY_STREAM, 0));
        assertThat(d.migDataSize()).isEqualTo(PRECOPY_STREAM + STOP_ONLY_STREAM);

        MemorySegment buf = MemorySegment.ofArray(new byte[1000]);
        assertThat(d.read(buf)).isEqualTo(1000);
        assertThat(d.precopyInfo()).isEqualTo(new PrecopyInfo(PRECOPY_STREAM - 1000, 0));
        assertThat(d.migDataSize()).isEqualTo(PRECOPY_STREAM + STOP_ONLY_STREAM - 1000);

        byte[] rest = read(d, 7777);
        assertThat(rest).hasSize((int) (PRECOPY_STREAM - 1000));
        assertThat(d.precopyInfo()).isEqualTo(new PrecopyInfo(0, 0));
        assertThat(d.read(buf)).as("temporary end of pre-copy data").isZero();
    }

    @Test
    void rewrittenPreCopyDataIsDirtyAndStreamedAgain() throws Exception {
        EmulatedVfioDriver d = driver(1);
        d.setState(VfioState.PRE_COPY);
        read(d, 1 << 16);
        d.guestWrite(CHUNK + 10, new byte[]{1, 2, 3}, 3);
        d.guestWrite(STATE - 100, new byte[]{4}, 1);
        assertThat(d.precopyInfo()).as("stop-only writes are not pre-copy data").isEqualTo(
                new PrecopyInfo(0, CHUNK + HEADER));
        byte[] again = read(d, 1 << 16);
        assertThat(chunks(again)).containsExactly(new Chunk(CHUNK, (int) CHUNK));
        assertThat(again[(int) HEADER + 10]).isEqualTo((byte) 1);
        assertThat(d.bytesDirtied()).isEqualTo(4);
    }

    @Test
    void stopCopyStreamsDirtyThenStopOnlyDataThenEnds() throws Exception {
        EmulatedVfioDriver d = driver(1);
        d.setState(VfioState.PRE_COPY);
        read(d, 1 << 20);
        d.guestWrite(0, new byte[8], 8);
        d.setState(VfioState.PRE_COPY_P2P);
        d.setState(VfioState.STOP_COPY);
        assertThatThrownBy(d::precopyInfo).hasMessageContaining("STOP_COPY");
        assertThat(d.migDataSize()).isEqualTo(CHUNK + HEADER + STOP_ONLY_STREAM);
        byte[] rest = read(d, 12345);
        List<Chunk> cs = chunks(rest);
        assertThat(cs.getFirst()).isEqualTo(new Chunk(0, (int) CHUNK));
        assertThat(cs).hasSize(13);
        assertThat(cs.get(1).offset()).isEqualTo(PRECOPY);
        assertThat(rest).hasSize((int) (CHUNK + HEADER + STOP_ONLY_STREAM));
        assertThat(d.migDataSize()).isZero();
        assertThat(d.read(MemorySegment.ofArray(new byte[10]))).as("end of stream").isZero();
    }

    @Test
    void aStreamReadInOddPiecesResumesIntoAnIdenticalState() throws Exception {
        EmulatedVfioDriver src = driver(1);
        src.setState(VfioState.RUNNING_P2P);
        src.setState(VfioState.STOP);
        src.setState(VfioState.STOP_COPY);
        byte[] stream = read(src, 4099);

        assertThat(driver(2).sha256()).isNotEqualTo(src.sha256());
        EmulatedVfioDriver dst = resuming(2);
        for (int off = 0; off < stream.length; off += 1001) {
            int n = Math.min(1001, stream.length - off);
            dst.write(MemorySegment.ofArray(stream).asSlice(off, n));
        }
        dst.setState(VfioState.STOP);
        assertThat(dst.sha256()).isEqualTo(src.sha256());
    }

    @Test
    void resumingRefusesCorruptAndIncompleteStreams() throws Exception {
        EmulatedVfioDriver dst = resuming(2);
        byte[] beyond = ByteBuffer.allocate(12).putLong(STATE).putInt(16).array();
        assertThatThrownBy(() -> dst.write(MemorySegment.ofArray(beyond))).isInstanceOf(VfioDriverException.class)
                .hasMessageContaining("offset " + STATE).hasMessageContaining("does not start a chunk");
        byte[] badLength = ByteBuffer.allocate(12).putLong(0).putInt(-5).array();
        EmulatedVfioDriver dst2 = resuming(2);
        assertThatThrownBy(() -> dst2.write(MemorySegment.ofArray(badLength)))
                .hasMessageContaining("has length -5, expected " + CHUNK);
        EmulatedVfioDriver dst3 = resuming(2);
        dst3.write(MemorySegment.ofArray(ByteBuffer.allocate(20).putLong(0).putInt((int) CHUNK).array()));
        assertThatThrownBy(() -> dst3.setState(VfioState.STOP)).hasMessageContaining("ended inside a chunk");
        assertThat(dst3.state()).isEqualTo(VfioState.ERROR);
    }

    @Test
    void queryLatencyIsSpentOncePerSizeQuery() throws Exception {
        List<Duration> slept = new ArrayList<>();
        EmulatedVfioDriver d = new EmulatedVfioDriver(EmulatedDriverConfig.of(STATE, PRECOPY, 1)
                .withLatency(Duration.ofMillis(7), slept::add));
        d.migDataSize();
        d.setState(VfioState.PRE_COPY);
        d.precopyInfo();
        d.read(MemorySegment.ofArray(new byte[100]));
        assertThat(slept).containsExactly(Duration.ofMillis(7), Duration.ofMillis(7));
    }

    @Test
    void anInterruptedQueryFailsAndKeepsTheInterrupt() {
        EmulatedVfioDriver d = new EmulatedVfioDriver(EmulatedDriverConfig.of(STATE, PRECOPY, 1)
                .withLatency(Duration.ofMillis(1), x -> {
                    throw new InterruptedException();
                }));
        assertThatThrownBy(d::migDataSize).hasMessageContaining("EINTR");
        assertThat(Thread.interrupted()).isTrue();
    }
}
