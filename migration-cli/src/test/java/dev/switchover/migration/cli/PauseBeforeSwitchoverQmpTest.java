package dev.switchover.migration.cli;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpEvent;
import dev.switchover.migration.client.QmpException;
import dev.switchover.migration.core.Machine;
import dev.switchover.migration.monitor.QmpServer;
import dev.switchover.testfixtures.BlobDeviceProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code pause-before-switchover} as management software drives it over QMP, on real machines
 * and a real monitor: the {@code MIGRATION} events, {@code migrate-continue} and its errors, and
 * {@code migrate_cancel} in {@code pre-switchover}.
 */
class PauseBeforeSwitchoverQmpTest {

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Machine machine(Machine.Builder b) {
        Machine m = b.providers(List.of(new BlobDeviceProvider())).build();
        open.add(m);
        return m;
    }

    private QmpClient monitor(Machine m, String name) throws Exception {
        Path sock = dir.resolve(name + ".qmp");
        open.add(QmpServer.builder(m).unix(sock).start());
        QmpClient c = QmpClient.connect("unix:" + sock);
        open.add(c);
        return c;
    }

    private static void awaitStatus(QmpClient c, MigrationStatus s) throws Exception {
        while (true) { // the test's timeout bounds this loop
            MigrationInfo info = c.queryMigrate();
            if (info.status().orElse(null) == s) {
                return;
            }
            Thread.sleep(5);
        }
    }

    private static List<String> migrationEventsUntil(QmpClient c, String last) throws Exception {
        List<String> statuses = new ArrayList<>();
        while (!statuses.contains(last)) { // the test's timeout bounds this loop
            Optional<QmpEvent> e = c.nextEvent(Duration.ofSeconds(1));
            e.filter(ev -> ev.name().equals("MIGRATION")).ifPresent(ev -> statuses.add((String) ev.data().get("status")));
            e.filter(ev -> ev.name().equals("STOP") || ev.name().equals("RESUME")).ifPresent(ev -> statuses.add(ev.name()));
        }
        return statuses;
    }

    @Test
    void theSourceWaitsStoppedInPreSwitchoverUntilMigrateContinue() throws Exception {
        Machine dst = machine(Machine.builder().device("blob,id=blob0,size=2M,stop-size=64K,seed=2").incoming());
        Machine src = machine(Machine.builder().device("blob,id=blob0,size=2M,stop-size=64K,seed=1"));
        QmpClient dq = monitor(dst, "dst");
        QmpClient sq = monitor(src, "src");
        dq.migrateIncoming("tcp:127.0.0.1:0");
        sq.setCapability(MigrationCapability.EVENTS, true);
        sq.setCapability(MigrationCapability.PAUSE_BEFORE_SWITCHOVER, true);
        sq.execute("migrate-set-parameters", Map.of("max-bandwidth", 0L));

        sq.migrate(dst.incomingUri());
        awaitStatus(sq, MigrationStatus.PRE_SWITCHOVER);
        assertThat(sq.queryStatus()).isEqualTo(RunState.FINISH_MIGRATE);
        assertThat(dq.queryStatus()).isEqualTo(RunState.INMIGRATE);
        assertThatThrownBy(() -> sq.execute("migrate-continue", Map.of("state", "active")))
                .isInstanceOf(QmpException.class).hasMessageEndingWith("Migration not in expected state: pre-switchover");
        assertThatThrownBy(() -> sq.execute("cont")).isInstanceOf(QmpException.class);

        sq.execute("migrate-continue", Map.of("state", "pre-switchover"));

        assertThat(migrationEventsUntil(sq, "completed")).containsSubsequence("STOP", "pre-switchover", "device",
                "completed");
        awaitStatus(dq, MigrationStatus.COMPLETED);
        assertThat(dq.stateDigests()).isEqualTo(sq.stateDigests());
        assertThat(dq.queryStatus()).isEqualTo(RunState.RUNNING);
        assertThat(sq.queryStatus()).isEqualTo(RunState.POSTMIGRATE);
        assertThatThrownBy(() -> sq.migrate("tcp:127.0.0.1:1")).isInstanceOf(QmpException.class)
                .hasMessageEndingWith("Can't migrate the vm that was paused due to previous migration");
    }

    @Test
    void migrateCancelInPreSwitchoverResumesTheGuest() throws Exception {
        Machine dst = machine(Machine.builder().device("blob,id=blob0,size=2M,stop-size=64K,seed=2").incoming());
        Machine src = machine(Machine.builder().device("blob,id=blob0,size=2M,stop-size=64K,seed=1"));
        QmpClient dq = monitor(dst, "dst");
        QmpClient sq = monitor(src, "src");
        dq.migrateIncoming("tcp:127.0.0.1:0");
        String before = sq.stateDigests().get("blob0");
        sq.setCapability(MigrationCapability.EVENTS, true);
        sq.setCapability(MigrationCapability.PAUSE_BEFORE_SWITCHOVER, true);

        sq.migrate(dst.incomingUri());
        awaitStatus(sq, MigrationStatus.PRE_SWITCHOVER);
        sq.cancel();

        assertThat(migrationEventsUntil(sq, "cancelled")).containsSubsequence("STOP", "pre-switchover", "cancelling",
                "RESUME", "cancelled");
        assertThat(sq.queryStatus()).isEqualTo(RunState.RUNNING);
        assertThat(sq.stateDigests().get("blob0")).isEqualTo(before);
        assertThat(dq.queryStatus()).isNotEqualTo(RunState.RUNNING);
    }
}
