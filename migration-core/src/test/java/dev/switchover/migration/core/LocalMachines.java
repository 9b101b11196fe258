package dev.switchover.migration.core;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.testfixtures.BlobDeviceProvider;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Machines in this JVM for the engine's tests, with the {@code blob} test device, closed after
 * each test: {@code @RegisterExtension final LocalMachines local = new LocalMachines();}. The
 * waits poll the machine's own {@code query-migrate}; the test's timeout bounds them.
 */
final class LocalMachines implements AfterEachCallback {

    private final List<Machine> machines = new ArrayList<>();

    /** Builds a machine from {@code b} with the blob device type and closes it after the test. */
    Machine machine(Machine.Builder b) {
        return machine(b, List.of());
    }

    /** As {@link #machine(Machine.Builder)}, with device types of the test's own besides {@code blob}. */
    Machine machine(Machine.Builder b, List<MigrationDeviceProvider> more) {
        List<MigrationDeviceProvider> providers = new ArrayList<>(more);
        providers.add(new BlobDeviceProvider());
        Machine m = b.providers(providers).build();
        machines.add(m);
        return m;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        machines.forEach(Machine::close);
        machines.clear();
    }

    /** The port a destination listening on {@code tcp:HOST:PORT} took. */
    static int port(Machine dst) {
        String uri = dst.incomingUri();
        return Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
    }

    /** Both ends completed, the destination runs and holds the source's state. */
    static void assertMigrated(Machine src, Machine dst) throws InterruptedException {
        org.assertj.core.api.Assertions.assertThat(awaitEnd(src).status()).contains(MigrationStatus.COMPLETED);
        org.assertj.core.api.Assertions.assertThat(awaitEnd(dst).status()).contains(MigrationStatus.COMPLETED);
        org.assertj.core.api.Assertions.assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
        org.assertj.core.api.Assertions.assertThat(dst.runState())
                .isEqualTo(dev.switchover.migration.api.RunState.RUNNING);
    }

    /** Waits until {@code m}'s migration reached a terminal status and returns that reply. */
    static MigrationInfo awaitEnd(Machine m) throws InterruptedException {
        while (true) {
            MigrationInfo info = m.queryMigrate();
            if (info.status().isPresent() && info.status().get().isTerminal()) {
                return info;
            }
            Thread.sleep(5);
        }
    }

    /** Waits until {@code m}'s migration is in {@code s}; fails at once if it ended in another status. */
    static MigrationInfo awaitStatus(Machine m, MigrationStatus s) throws InterruptedException {
        while (true) {
            MigrationInfo info = m.queryMigrate();
            if (info.status().orElse(null) == s) {
                return info;
            }
            if (info.status().map(MigrationStatus::isTerminal).orElse(false) && info.status().get() != MigrationStatus.NONE) {
                throw new AssertionError("ended before " + s.qmpName() + ": " + info);
            }
            Thread.sleep(5);
        }
    }
}
