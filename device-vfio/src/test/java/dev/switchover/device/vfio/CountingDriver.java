package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.MigrationFeature;
import dev.switchover.device.vfio.driver.PrecopyInfo;
import dev.switchover.device.vfio.driver.VfioDriverException;
import dev.switchover.device.vfio.driver.VfioMigrationDriver;
import dev.switchover.device.vfio.driver.VfioState;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a driver, counts every call, and can make chosen calls fail: proves that ESTIMATE
 * never reaches the driver and lets tests script driver failures.
 */
final class CountingDriver implements VfioMigrationDriver {

    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger precopyInfoCalls = new AtomicInteger();
    final AtomicInteger migDataSizeCalls = new AtomicInteger();
    volatile boolean failMigDataSize;
    volatile boolean failPrecopyInfo;
    volatile Long migDataSizeOverride;
    volatile PrecopyInfo precopyInfoOverride;
    volatile VfioState failArcInto;
    /** Every state requested through {@link #setState}, in order. */
    final List<VfioState> requested = new CopyOnWriteArrayList<>();
    private final VfioMigrationDriver delegate;

    CountingDriver(VfioMigrationDriver delegate) {
        this.delegate = delegate;
    }

    @Override
    public Set<MigrationFeature> features() throws VfioDriverException {
        calls.incrementAndGet();
        return delegate.features();
    }

    @Override
    public VfioState state() throws VfioDriverException {
        calls.incrementAndGet();
        return delegate.state();
    }

    @Override
    public void setState(VfioState target) throws VfioDriverException {
        calls.incrementAndGet();
        requested.add(target);
        if (target == failArcInto) {
            try {
                delegate.setState(VfioState.ERROR); // refused: leaves the device in ERROR, as a failed arc may
            } catch (VfioDriverException expected) {
                // the device is in ERROR now
            }
            throw new VfioDriverException("scripted failure of the arc into " + target);
        }
        delegate.setState(target);
    }

    @Override
    public PrecopyInfo precopyInfo() throws VfioDriverException {
        calls.incrementAndGet();
        precopyInfoCalls.incrementAndGet();
        if (failPrecopyInfo) {
            throw new VfioDriverException("scripted PRECOPY_INFO failure");
        }
        PrecopyInfo real = delegate.precopyInfo();
        PrecopyInfo o = precopyInfoOverride;
        return o != null ? o : real;
    }

    @Override
    public long migDataSize() throws VfioDriverException {
        calls.incrementAndGet();
        migDataSizeCalls.incrementAndGet();
        if (failMigDataSize) {
            throw new VfioDriverException("scripted MIG_DATA_SIZE failure");
        }
        long real = delegate.migDataSize();
        Long o = migDataSizeOverride;
        return o != null ? o : real;
    }

    @Override
    public int read(MemorySegment dst) throws VfioDriverException {
        calls.incrementAndGet();
        return delegate.read(dst);
    }

    @Override
    public void write(MemorySegment src) throws VfioDriverException {
        calls.incrementAndGet();
        delegate.write(src);
    }

    @Override
    public void reset() throws VfioDriverException {
        calls.incrementAndGet();
        delegate.reset();
    }
}
