package dev.switchover.bench;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Every scenario of the matrix but those with a VFIO device has its QEMU equivalent. */
class QemuWorkloadTest {

    private static final long RAM = 256L << 20;

    @Test
    void everyScenarioWithoutVfioHasAQemuEquivalentWithItsBandwidth() {
        for (Scenario s : Scenario.all(RAM, true)) {
            Optional<QemuWorkload> w = QemuWorkload.of(s);
            boolean vfio = s.source().stream().anyMatch(d -> d.startsWith("vfio,"));
            if (vfio) {
                assertThat(w).as(s.name()).isEmpty();
            } else {
                assertThat(w).as(s.name()).isPresent();
                assertThat(w.get().maxBandwidth()).as(s.name()).isEqualTo(s.maxBandwidth());
            }
        }
    }

    @Test
    void aDirtyingScenarioBootsTheDirtyingSector() {
        QemuWorkload w = Scenario.all(RAM, true).stream().filter(s -> s.name().equals("dirty-32M/s")).findFirst()
                .flatMap(QemuWorkload::of).orElseThrow();
        assertThat(w.dirties()).isTrue();
        assertThat(w.readyMark()).isEqualTo(FillBootSector.DIRTYING_MARK);
        // 32 MiB/s is 8192 pages/s: the delay between pages is a 8192th of a second of loop iterations
        assertThat(w.bootSector(RAM)).isEqualTo(FillBootSector.dirtying(RAM, 0x5A5AA5A5, 32L << 20,
                (int) (QemuWorkload.LOOP_ITERATIONS_PER_SECOND / 8192)));
    }

    @Test
    void anIdleScenarioBootsTheHaltingSector() {
        QemuWorkload w = Scenario.all(RAM, true).stream().filter(s -> s.name().equals("idle")).findFirst()
                .flatMap(QemuWorkload::of).orElseThrow();
        assertThat(w.dirties()).isFalse();
        assertThat(w.readyMark()).isEqualTo(FillBootSector.HALTED_MARK);
        assertThat(w.bootSector(RAM)).isEqualTo(FillBootSector.filling(RAM, 0x5A5AA5A5));
    }
}
