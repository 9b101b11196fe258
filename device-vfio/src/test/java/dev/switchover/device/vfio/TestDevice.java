package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.VfioBackend;
import dev.switchover.device.vfio.emulated.DirtyingWorkload;
import dev.switchover.device.vfio.emulated.EmulatedDriverConfig;
import dev.switchover.device.vfio.emulated.EmulatedVfioDriver;
import dev.switchover.device.vfio.emulated.Quirk;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceTracer;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.tck.MemorySectionWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One VFIO device over an emulated driver wrapped in a {@link CountingDriver}, with a run state
 * the test drives and a tracer that keeps what it is told.
 */
final class TestDevice {

    /** 1 MiB state, 256 KiB pre-copy-able: 4 pre-copy chunks, 12 stop-only chunks. */
    static final long STATE = 1 << 20;
    static final long PRECOPY = 256 << 10;
    static final long HEADER = 12;
    static final long CHUNK = 64 << 10;
    static final long PRECOPY_STREAM = PRECOPY + 4 * HEADER;
    static final long STOP_ONLY_STREAM = (STATE - PRECOPY) + 12 * HEADER;
    static final long TOTAL_STREAM = PRECOPY_STREAM + STOP_ONLY_STREAM;

    final EmulatedVfioDriver emulated;
    final CountingDriver driver;
    final DirtyingWorkload workload;
    final VfioDevice device;
    final AtomicReference<RunState> runState;
    final List<String> traces = new CopyOnWriteArrayList<>();
    final String id;

    TestDevice(String id, EmulatedDriverConfig config, RunState initial, long dirtyRate) {
        this.id = id;
        this.emulated = new EmulatedVfioDriver(config);
        this.driver = new CountingDriver(emulated);
        this.runState = new AtomicReference<>(initial);
        DeviceContext ctx = DeviceContext.builder(id).runState(runState::get).tracer(new DeviceTracer() {
            @Override
            public boolean isEnabled() {
                return true;
            }

            @Override
            public void trace(String event, String detail) {
                traces.add(event + ": " + detail);
            }
        }).properties(Map.of()).build();
        this.workload = new DirtyingWorkload(emulated, dirtyRate, ctx.clock(), ctx.logger(), id);
        VfioBackend backend = new VfioBackend(driver, workload, emulated::sha256, emulated.compatibilityId());
        this.device = new VfioDevice(ctx, backend);
    }

    static TestDevice source(long seed) {
        return new TestDevice("vfio-src", EmulatedDriverConfig.of(STATE, PRECOPY, seed), RunState.RUNNING, 0);
    }

    static TestDevice source(Quirk quirk) {
        return new TestDevice("vfio-src", EmulatedDriverConfig.of(STATE, PRECOPY, 1).withQuirk(quirk),
                RunState.RUNNING, 0);
    }

    static TestDevice destination(long seed) {
        return new TestDevice("vfio-dst", EmulatedDriverConfig.of(STATE, PRECOPY, seed), RunState.INMIGRATE, 0);
    }

    /** Changes the run state the way the host does: view first, then the device is told. */
    void runState(RunState to) {
        RunState from = runState.getAndSet(to);
        device.onRunStateChange(from, to);
    }

    /** Writes {@code length} bytes of 0x5a at {@code offset}, as the running device would. */
    void dirty(long offset, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) 0x5a);
        emulated.guestWrite(offset, b, length);
    }

    /** One section as the core would frame it. */
    record Section(SectionKind kind, byte[] payload) {
    }

    /** Sections written so far by a source, in order. */
    static final class Stream {
        final List<Section> sections = new ArrayList<>();

        MemorySectionWriter next() {
            return new MemorySectionWriter();
        }

        void add(SectionKind kind, MemorySectionWriter w) {
            sections.add(new Section(kind, w.toByteArray()));
        }
    }
}
