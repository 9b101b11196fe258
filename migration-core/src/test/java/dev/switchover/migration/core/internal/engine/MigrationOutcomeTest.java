package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.switchover.migration.api.MigrationStatus.ACTIVE;
import static dev.switchover.migration.api.MigrationStatus.CANCELLED;
import static dev.switchover.migration.api.MigrationStatus.CANCELLING;
import static dev.switchover.migration.api.MigrationStatus.COMPLETED;
import static dev.switchover.migration.api.MigrationStatus.DEVICE;
import static dev.switchover.migration.api.MigrationStatus.FAILED;
import static dev.switchover.migration.api.MigrationStatus.FAILING;
import static dev.switchover.migration.api.MigrationStatus.NONE;
import static dev.switchover.migration.api.MigrationStatus.SETUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a migration ends: the first decision wins, and a cancel never crosses the end. */
class MigrationOutcomeTest {

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final MigrationStateMachine states = new MigrationStateMachine("outcome test",
            (from, to) -> log.add(to.qmpName()), e -> log.add("ILLEGAL " + e.getMessage()));
    private final MigrationOutcome outcome = new MigrationOutcome(states, error -> log.add("error: " + error));

    private void reach(MigrationStatus... path) {
        MigrationStatus from = NONE;
        for (MigrationStatus to : path) {
            assertThat(states.transition(from, to)).isTrue();
            from = to;
        }
        log.clear();
    }

    @Test
    void aFailureIsToldBeforeFailingIsPublishedAndFailedOnlyAtThePublish() {
        reach(SETUP, ACTIVE);

        assertThat(outcome.decide(FAILED, "boom")).isTrue();
        assertThat(outcome.decide(COMPLETED, null)).as("the first decision wins").isFalse();
        assertThat(log).containsExactly("error: boom", "failing");

        outcome.publish();
        assertThat(log).containsExactly("error: boom", "failing", "failed");
        assertThat(outcome.decided()).contains(new MigrationOutcome.Decided(FAILED, "boom"));
    }

    @Test
    void aCancelIsTakenOnceAndThenEndsAsCancelled() {
        reach(SETUP, ACTIVE);

        assertThat(outcome.requestCancel()).isTrue();
        assertThat(outcome.requestCancel()).as("already cancelling").isFalse();
        assertThat(outcome.cancelRequested()).isTrue();
        outcome.decide(CANCELLED, null);
        outcome.publish();

        assertThat(log).containsExactly("cancelling", "cancelled");
    }

    @Test
    void aCancelAfterTheHandoverIsMootAndOneBeforeItWins() {
        reach(SETUP, ACTIVE, DEVICE);
        assertThat(outcome.handOver()).isTrue();
        assertThat(outcome.requestCancel()).isFalse();
        outcome.publish();
        assertThat(states.current()).isEqualTo(COMPLETED);

        MigrationStateMachine other = new MigrationStateMachine("other", (from, to) -> { });
        other.transition(NONE, SETUP);
        other.transition(SETUP, ACTIVE);
        MigrationOutcome cancelled = new MigrationOutcome(other, error -> { });
        assertThat(cancelled.requestCancel()).isTrue();
        assertThat(cancelled.handOver()).isFalse();
        assertThat(cancelled.decided()).isEmpty();
        assertThat(other.current()).isEqualTo(CANCELLING);
    }

    @Test
    void aFailureWhileCancellingEndsAsFailedWithoutPassingFailing() {
        reach(SETUP, ACTIVE);
        outcome.requestCancel();

        outcome.decide(FAILED, "device 'd0' did not return from saveIterate within 50 ms");
        outcome.publish();

        assertThat(log).containsExactly("cancelling", "error: device 'd0' did not return from saveIterate within 50 ms",
                "failed");
        assertThat(states.illegalTransitions()).isZero();
    }

    @Test
    void aCancelledDecisionWithoutACancelStillPassesCancelling() {
        reach(SETUP, ACTIVE);

        outcome.decide(CANCELLED, null);
        outcome.publish();

        assertThat(log).containsExactly("cancelling", "cancelled");
    }

    @Test
    void aCancelBeforeTheStartOrAfterAFailureIsMoot() {
        assertThat(outcome.requestCancel()).as("not started").isFalse();
        reach(SETUP);
        outcome.decide(FAILED, "connect refused");
        assertThat(outcome.requestCancel()).isFalse();
        assertThat(states.current()).isEqualTo(FAILING);
    }

    @Test
    void publishingAnUndecidedEndIsAProgrammingError() {
        assertThatThrownBy(outcome::publish).isInstanceOf(IllegalStateException.class);
    }
}
