package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.switchover.migration.api.MigrationStatus.ACTIVE;
import static dev.switchover.migration.api.MigrationStatus.CANCELLED;
import static dev.switchover.migration.api.MigrationStatus.CANCELLING;
import static dev.switchover.migration.api.MigrationStatus.COMPLETED;
import static dev.switchover.migration.api.MigrationStatus.DEVICE;
import static dev.switchover.migration.api.MigrationStatus.FAILED;
import static dev.switchover.migration.api.MigrationStatus.FAILING;
import static dev.switchover.migration.api.MigrationStatus.NONE;
import static dev.switchover.migration.api.MigrationStatus.POSTCOPY_ACTIVE;
import static dev.switchover.migration.api.MigrationStatus.PRE_SWITCHOVER;
import static dev.switchover.migration.api.MigrationStatus.SETUP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status table against the transitions QEMU makes ({@code migrate_set_state} callers in
 * migration/migration.c; {@code MigrationStatus} in qapi/migration.json; {@code failing} from
 * QEMU 11.0, reference/qemu-migration.md §9.3), restricted to the statuses of our {@code
 * MigrationStatus}, and the compare-and-set semantics.
 */
class MigrationStateMachineTest {

    /** Every arc, with where QEMU (or, marked "ours", this engine) takes it. */
    private static final String[][] DOCUMENTED_ARCS = {
            {"none", "setup"},                // migrate_init (source), qemu_start_incoming_migration (destination)
            {"setup", "active"},              // migration_thread after setup; process_incoming_migration_co
            {"setup", "cancelling"},          // migrate_fd_cancel: any running status
            {"setup", "failing"},             // 11.0: an error during setup, cleanup under way
            {"setup", "failed"},              // migrate_fd_error (connect failed)
            {"active", "pre-switchover"},     // migration_maybe_pause (pause-before-switchover)
            {"active", "device"},             // migration_switchover_start (reference §2.2, step 3)
            {"active", "postcopy-active"},    // postcopy_start
            {"active", "completed"},          // process_incoming_migration_bh: the destination's end
            {"active", "cancelling"},         // migrate_fd_cancel
            {"active", "failing"},            // 11.0
            {"active", "failed"},             // migration_detect_error; process_incoming_migration_co fail
            {"pre-switchover", "device"},     // migrate-continue, precopy
            {"pre-switchover", "postcopy-active"}, // migrate-continue, postcopy
            {"pre-switchover", "cancelling"}, // migrate_fd_cancel kicks the pause
            {"pre-switchover", "failing"},    // 11.0: an error while paused
            {"device", "completed"},          // migration_completion_end
            {"device", "cancelling"},         // migrate_fd_cancel
            {"device", "failing"},            // 11.0
            {"device", "failed"},             // migration_completion_failed
            {"postcopy-active", "completed"}, // migration_completion_end
            {"postcopy-active", "cancelling"},// migrate_fd_cancel
            {"postcopy-active", "failing"},   // 11.0
            {"postcopy-active", "failed"},    // postcopy_start failure, migration_detect_error
            {"failing", "failed"},            // 11.0: once cleanup is done
            {"cancelling", "cancelled"},      // migrate_fd_cleanup
            {"cancelling", "failed"},         // ours: a device call hung while the cancel unwound
    };

    private static Map<MigrationStatus, Set<MigrationStatus>> documented() {
        Map<MigrationStatus, Set<MigrationStatus>> m = new EnumMap<>(MigrationStatus.class);
        for (MigrationStatus s : MigrationStatus.values()) {
            m.put(s, EnumSet.noneOf(MigrationStatus.class));
        }
        for (String[] arc : DOCUMENTED_ARCS) {
            m.get(MigrationStatus.ofQmpName(arc[0])).add(MigrationStatus.ofQmpName(arc[1]));
        }
        return m;
    }

    private final List<String> heard = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();

    private MigrationStateMachine machine() {
        return new MigrationStateMachine("test migration", (from, to) -> heard.add(from.qmpName() + "→" + to.qmpName()),
                e -> refused.add(e.getMessage()));
    }

    /** A machine driven from {@code none} to {@code target} along arcs of the table. */
    private MigrationStateMachine at(MigrationStatus target) {
        MigrationStateMachine m = machine();
        for (MigrationStatus step : pathTo(target)) {
            assertThat(m.transition(m.current(), step)).as("on the way to %s", target).isTrue();
        }
        assertThat(m.current()).isEqualTo(target);
        heard.clear();
        return m;
    }

    private static List<MigrationStatus> pathTo(MigrationStatus target) {
        Map<MigrationStatus, MigrationStatus> cameFrom = new EnumMap<>(MigrationStatus.class);
        ArrayDeque<MigrationStatus> queue = new ArrayDeque<>(List.of(NONE));
        while (!queue.isEmpty()) {
            MigrationStatus s = queue.removeFirst();
            for (MigrationStatus next : MigrationStateMachine.successors(s)) {
                if (next != NONE && cameFrom.putIfAbsent(next, s) == null) {
                    queue.addLast(next);
                }
            }
        }
        List<MigrationStatus> path = new ArrayList<>();
        for (MigrationStatus s = target; s != NONE; s = cameFrom.get(s)) {
            assertThat(cameFrom).as("%s is reachable from none", s).containsKey(s);
            path.addFirst(s);
        }
        return path;
    }

    static Stream<Arguments> allowedArcs() {
        return documented().entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(to -> Arguments.of(e.getKey(), to)));
    }

    static Stream<Arguments> forbiddenArcs() {
        Map<MigrationStatus, Set<MigrationStatus>> documented = documented();
        return Stream.of(MigrationStatus.values()).flatMap(from -> Stream.of(MigrationStatus.values())
                .filter(to -> !documented.get(from).contains(to)).map(to -> Arguments.of(from, to)));
    }

    @Test
    void theTableIsExactlyTheDocumentedOne() {
        Map<MigrationStatus, Set<MigrationStatus>> documented = documented();
        for (MigrationStatus from : MigrationStatus.values()) {
            assertThat(MigrationStateMachine.successors(from)).as("successors of %s", from.qmpName())
                    .containsExactlyInAnyOrderElementsOf(documented.get(from));
        }
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("allowedArcs")
    void everyAllowedArcPasses(MigrationStatus from, MigrationStatus to) {
        MigrationStateMachine m = at(from);

        assertThat(m.transition(from, to)).isTrue();

        assertThat(m.current()).isEqualTo(to);
        assertThat(heard).containsExactly(from.qmpName() + "→" + to.qmpName());
        assertThat(m.illegalTransitions()).isZero();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("forbiddenArcs")
    void everyOtherArcIsRefusedAndCounted(MigrationStatus from, MigrationStatus to) {
        MigrationStateMachine m = at(from);

        assertThat(m.transition(from, to)).isFalse();

        assertThat(m.current()).as("never a silent overwrite").isEqualTo(from);
        assertThat(heard).isEmpty();
        assertThat(m.illegalTransitions()).isEqualTo(1);
        assertThat(refused).singleElement().isEqualTo("test migration: illegal status transition " + from.qmpName()
                + " → " + to.qmpName() + " refused (the status is " + from.qmpName() + ")");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"completed, active", "failed, active", "none, completed", "cancelled, active", "completed, failed",
            "failed, completed", "cancelled, completed", "failing, active", "failing, completed", "failing, cancelling",
            "cancelling, active", "cancelling, completed", "cancelling, failing", "device, active", "active, setup",
            "setup, none", "completed, none", "setup, completed", "setup, device", "active, active"})
    void aSampleOfForbiddenArcsIsRefused(String fromName, String toName) {
        MigrationStatus from = MigrationStatus.ofQmpName(fromName);
        MigrationStatus to = MigrationStatus.ofQmpName(toName);
        assertThat(MigrationStateMachine.allowed(from, to)).isFalse();
        MigrationStateMachine m = at(from);

        assertThat(m.transition(from, to)).isFalse();
        assertThat(m.transitionIfAllowed(to)).as("moot here, so quiet").isFalse();

        assertThat(m.current()).isEqualTo(from);
        assertThat(heard).isEmpty();
        assertThat(refused).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(value = MigrationStatus.class, names = {"COMPLETED", "FAILED", "CANCELLED"})
    void terminalStatusesAreFinal(MigrationStatus terminal) {
        assertThat(terminal.isTerminal()).isTrue();
        assertThat(MigrationStateMachine.successors(terminal)).isEmpty();
        MigrationStateMachine m = at(terminal);

        for (MigrationStatus to : MigrationStatus.values()) {
            assertThat(m.transition(terminal, to)).as("%s → %s", terminal, to).isFalse();
            assertThat(m.transitionIfAllowed(to)).isFalse();
        }

        assertThat(m.current()).isEqualTo(terminal);
        assertThat(heard).isEmpty();
        assertThat(refused).hasSize(MigrationStatus.values().length);
    }

    @Test
    void onlyTheTerminalStatusesAreFinalAndEveryStatusIsReachable() {
        for (MigrationStatus s : MigrationStatus.values()) {
            assertThat(MigrationStateMachine.successors(s).isEmpty()).as(s.qmpName())
                    .isEqualTo(s == COMPLETED || s == FAILED || s == CANCELLED);
            if (s != NONE) {
                assertThat(pathTo(s)).isNotEmpty();
            }
        }
    }

    @Test
    void aTransitionFromAStatusThatIsNoLongerCurrentIsAQuietNoOp() {
        MigrationStateMachine m = at(CANCELLING);

        assertThat(m.transition(ACTIVE, DEVICE)).as("a cancel came first").isFalse();

        assertThat(m.current()).isEqualTo(CANCELLING);
        assertThat(heard).isEmpty();
        assertThat(m.illegalTransitions()).as("a lost race is not a bug").isZero();
        assertThat(refused).isEmpty();
    }

    @Test
    void transitionIfAllowedMovesFromWhereverItIsAndIsMootWhereTheTableHasNoArc() {
        MigrationStateMachine device = at(DEVICE);
        MigrationStateMachine failing = at(FAILING);

        assertThat(device.transitionIfAllowed(CANCELLING)).isTrue();
        assertThat(failing.transitionIfAllowed(CANCELLING)).isFalse();

        assertThat(device.current()).isEqualTo(CANCELLING);
        assertThat(failing.current()).isEqualTo(FAILING);
        assertThat(failing.illegalTransitions()).as("moot, not a bug").isZero();
        assertThat(refused).isEmpty();
    }

    @Test
    void anIllegalTransitionIsRefusedEvenWhenTheStatusIsSomethingElse() {
        MigrationStateMachine m = at(ACTIVE);

        assertThat(m.transition(COMPLETED, ACTIVE)).isFalse();

        assertThat(m.current()).isEqualTo(ACTIVE);
        assertThat(refused).singleElement().asString()
                .isEqualTo("test migration: illegal status transition completed → active refused (the status is active)");
    }

    @Test
    void byDefaultARefusalIsLoggedNotThrown() {
        MigrationStateMachine m = new MigrationStateMachine("logged migration", (from, to) -> { });

        assertThat(m.transition(NONE, COMPLETED)).isFalse();

        assertThat(m.current()).isEqualTo(NONE);
        assertThat(m.illegalTransitions()).isEqualTo(1);
    }

    @Test
    void theOutgoingAndIncomingPathsAreLegal() {
        List<List<MigrationStatus>> paths = List.of(
                List.of(NONE, SETUP, ACTIVE, DEVICE, COMPLETED),             // source, success
                List.of(NONE, SETUP, ACTIVE, COMPLETED),                     // destination, success
                List.of(NONE, SETUP, FAILING, FAILED),                       // connect failed
                List.of(NONE, SETUP, ACTIVE, DEVICE, FAILING, FAILED),       // failed after the stop
                List.of(NONE, SETUP, ACTIVE, CANCELLING, CANCELLED),         // cancelled
                List.of(NONE, SETUP, ACTIVE, CANCELLING, FAILED),            // hung while cancelling
                List.of(NONE, SETUP, ACTIVE, PRE_SWITCHOVER, DEVICE, COMPLETED),
                List.of(NONE, SETUP, ACTIVE, POSTCOPY_ACTIVE, COMPLETED));
        for (List<MigrationStatus> path : paths) {
            MigrationStateMachine m = machine();
            for (int i = 1; i < path.size(); i++) {
                assertThat(m.transition(path.get(i - 1), path.get(i))).as("%s at %d", path, i).isTrue();
            }
            assertThat(m.illegalTransitions()).isZero();
        }
    }

    @Test
    void racingTransitionsFromTheSameStatusHaveOneWinnerAndTheListenerHearsEachChangeOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            heard.clear();
            MigrationStateMachine m = at(ACTIVE);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger winners = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (MigrationStatus to : List.of(CANCELLING, DEVICE, FAILING, FAILED)) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (m.transition(ACTIVE, to)) {
                        winners.incrementAndGet();
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(winners).hasValue(1);
            assertThat(heard).singleElement().isEqualTo("active→" + m.current().qmpName());
        }
    }
}
