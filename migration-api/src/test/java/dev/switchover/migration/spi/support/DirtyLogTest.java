package dev.switchover.migration.spi.support;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DirtyLogTest {

    @Test
    void drainReportsEachMarkOnceInOrderAndClears() {
        DirtyLog log = new DirtyLog(200);
        log.mark(150);
        log.mark(3);
        log.mark(3);
        List<Long> seen = new ArrayList<>();
        log.drain(seen::add);
        assertThat(seen).containsExactly(3L, 150L);
        seen.clear();
        log.drain(seen::add);
        assertThat(seen).isEmpty();
    }

    @Test
    void marksFromOtherThreadsAreNeverLostAcrossDrains() throws InterruptedException {
        DirtyLog log = new DirtyLog(1 << 16);
        int threads = 4;
        int perThread = 50_000;
        AtomicLong drained = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    log.mark((base + i) % (1 << 16));
                }
            }));
        }
        java.util.BitSet seen = new java.util.BitSet();
        while (writers.stream().anyMatch(Thread::isAlive)) {
            log.drain(b -> seen.set((int) b));
        }
        for (Thread w : writers) {
            w.join();
        }
        log.drain(b -> seen.set((int) b));
        drained.set(seen.cardinality());
        assertThat(drained.get()).isEqualTo(1 << 16);
    }
}
