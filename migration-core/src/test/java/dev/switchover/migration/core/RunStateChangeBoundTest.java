package dev.switchover.migration.core;

import static dev.switchover.migration.core.LocalMachines.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;
import dev.switchover.testfixtures.BlobDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code onRunStateChange} is bounded by the device call timeout (issue 11, item 8): a device that
 * does not return from being told of a stop no longer freezes the run-state lock, and so {@code
 * stop}, {@code cont} and every migration, or keeps a stopped guest paused without bound. The
 * run state changes without it; the machine refuses migrations while it is still inside the call,
 * and a switchover whose stop it did not confirm fails naming it, the source running again.
 */
class RunStateChangeBoundTest {

    private static final Duration CALL_TIMEOUT = Duration.ofMillis(200);

    @RegisterExtension
    final LocalMachines local = new LocalMachines();
    /** Holds the stuck device's call until the test lets it go. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void letTheDeviceGo() {
        release.countDown();
    }

    @Test
    void aStopADeviceNeverConfirmsChangesTheRunStateAndRefusesMigrationsUntilItReturns(@TempDir Path dir)
            throws Exception {
        Machine m = local.machine(Machine.builder().deviceCallTimeout(CALL_TIMEOUT)
                .device("stuck,id=stuck0,size=64K,hang-on=paused"), List.of(new StuckProvider()));

        m.stop(); // returns: the bound, not the device, ends the wait

        assertThat(m.runState()).isEqualTo(RunState.PAUSED);
        assertThatThrownBy(() -> m.migrate("file:" + dir.resolve("state")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("device 'stuck0' has not returned from onRunStateChange(running -> paused) after 200 ms; "
                        + "a new migration can start once it returns");

        release.countDown();
        MigrationInfo end = migrateOnceAccepted(m, "file:" + dir.resolve("state"));
        assertThat(end.status()).as(end.toString()).contains(MigrationStatus.COMPLETED);
    }

    @Test
    void aSwitchoverWhoseStopADeviceNeverConfirmsFailsNamingItAndTheSourceRunsAgain() throws Exception {
        Machine src = local.machine(Machine.builder().deviceCallTimeout(CALL_TIMEOUT)
                .device("stuck,id=stuck0,size=64K,hang-on=finish-migrate"), List.of(new StuckProvider()));
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        Machine dst = local.machine(Machine.builder().device("stuck,id=stuck0,size=64K").incoming(),
                List.of(new StuckProvider()));
        dst.migrateIncoming("tcp:127.0.0.1:0");

        src.migrate(dst.incomingUri());
        MigrationInfo end = awaitEnd(src);

        assertThat(end.status()).as(end.toString()).contains(MigrationStatus.FAILED);
        assertThat(end.errorDesc()).hasValueSatisfying(e -> assertThat(e)
                .contains("device 'stuck0' failed in onRunStateChange(running -> finish-migrate)"));
        assertThat(src.runState()).as("no COMMIT was sent: the source resumes").isEqualTo(RunState.RUNNING);
        assertThat(awaitEnd(dst).status()).contains(MigrationStatus.FAILED);
        assertThat(dst.runState()).isNotEqualTo(RunState.RUNNING);
    }

    /** Migrates as soon as the machine accepts it (the stuck call clears right after the release). */
    private static MigrationInfo migrateOnceAccepted(Machine m, String uri) throws InterruptedException {
        while (true) {
            try {
                m.migrate(uri);
                return awaitEnd(m);
            } catch (IllegalStateException stillInside) {
                Thread.sleep(5);
            }
        }
    }

    /**
     * Type {@code stuck}: a {@link BlobDevice} whose {@code onRunStateChange} into the run state
     * named by {@code hang-on} does not return until the test releases it, ignoring interrupts,
     * as a device stuck in a driver would.
     */
    private final class StuckProvider implements MigrationDeviceProvider {
        @Override
        public String type() {
            return "stuck";
        }

        @Override
        public ApiVersion apiVersion() {
            return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
        }

        @Override
        public MigrationDevice create(DeviceContext context) {
            String hangOn = context.properties().string("hang-on", "");
            BlobDevice blob = new BlobDevice(context);
            return new MigrationDevice() {
                @Override
                public void onRunStateChange(RunState from, RunState to) {
                    if (to.qmpName().equals(hangOn)) {
                        boolean interrupted = false;
                        while (release.getCount() > 0) {
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                interrupted = true;
                            }
                        }
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    blob.onRunStateChange(from, to);
                }

                @Override public String sectionName() { return "stuck"; }
                @Override public int sectionVersion() { return blob.sectionVersion(); }
                @Override public void saveSetup(SectionWriter out, SaveOptions o) throws IOException { blob.saveSetup(out, o); }
                @Override public PendingAnswer queryPending(QueryMode mode) throws dev.switchover.migration.spi.DeviceException {
                    return blob.queryPending(mode);
                }
                @Override public IterationResult saveIterate(SectionWriter out, long budget) throws IOException {
                    return blob.saveIterate(out, budget);
                }
                @Override public void saveComplete(SectionWriter out) throws IOException { blob.saveComplete(out); }
                @Override public void saveCleanup() { blob.saveCleanup(); }
                @Override public void loadSection(SectionReader in, SectionKind k, int v) throws IOException {
                    blob.loadSection(in, k, v);
                }
                @Override public byte[] stateDigest() { return blob.stateDigest(); }
            };
        }
    }
}
