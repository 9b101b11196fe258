package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.core.internal.engine.SwitchoverDecision.Rule;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure switchover decision, one example per rule, and the reasons a round carries. */
class SwitchoverPolicyTest {

    /** 1 MB/s declared × 300 ms = a 300,000-byte threshold. */
    private static final MigrationParameters ONE_MB_PER_S =
            MigrationParameters.DEFAULTS.withAvailSwitchoverBandwidth(1_000_000);

    private static SwitchoverPolicy.Inputs estimate(Pending total, long iterableNow) {
        return new SwitchoverPolicy.Inputs(SwitchoverPolicyPropertiesTest.snapshot(QueryMode.ESTIMATE, total, iterableNow),
                false, 0, 0, ONE_MB_PER_S, true, false);
    }

    private static SwitchoverPolicy.Inputs exact(Pending total, long iterableNow) {
        return estimate(Pending.NONE, 0).withExact(SwitchoverPolicyPropertiesTest.snapshot(QueryMode.EXACT, total,
                iterableNow));
    }

    private static SwitchoverPolicy.Inputs with(SwitchoverPolicy.Inputs in, long measured, long fixedCostMs,
                                                MigrationParameters p, boolean allowed, boolean forcedTaken) {
        return new SwitchoverPolicy.Inputs(in.pending(), in.exactThisRound(), measured, fixedCostMs, p, allowed,
                forcedTaken);
    }

    @Test
    void anExactResultWithinTheThresholdSwitchesOverAndSaysWhy() {
        SwitchoverDecision d = SwitchoverPolicy.decide(exact(Pending.precopy(300_000), 300_000));

        assertThat(d).isInstanceOf(SwitchoverDecision.Switchover.class);
        assertThat(d.why()).isEqualTo(new SwitchoverDecision.Reasons(Rule.EXACT_WITHIN_THRESHOLD, true, 300_000,
                300_000, 300_000, 1_000_000, 300, 0, OptionalLong.of(300)));
        assertThat(d.why().describe()).contains("EXACT 300000 B", "threshold 300000 B", "predicted 300 ms of 300 ms");
    }

    @Test
    void anEstimateWithinTheThresholdAsksForExactFiguresEvenWhenNothingIsIterable() {
        assertThat(SwitchoverPolicy.decide(estimate(Pending.precopy(300_000), 300_000)))
                .isInstanceOfSatisfying(SwitchoverDecision.QueryExact.class,
                        q -> assertThat(q.why().rule()).isEqualTo(Rule.ESTIMATE_WITHIN_THRESHOLD));
        SwitchoverPolicy.Inputs drained = with(estimate(Pending.stopcopy(1), 0), 0, 0, ONE_MB_PER_S, true, true);
        assertThat(SwitchoverPolicy.decide(drained).why().rule())
                .as("never limited: no switchover decision waits").isEqualTo(Rule.ESTIMATE_WITHIN_THRESHOLD);
    }

    @Test
    void nothingIterableAboveTheThresholdAsksOncePerWindowThenWaits() {
        SwitchoverPolicy.Inputs in = estimate(Pending.stopcopy(10L << 30), 0);

        assertThat(SwitchoverPolicy.decide(in)).isInstanceOfSatisfying(SwitchoverDecision.QueryExact.class,
                q -> assertThat(q.why().rule()).isEqualTo(Rule.NOTHING_ITERABLE));
        assertThat(SwitchoverPolicy.decide(with(in, 0, 0, ONE_MB_PER_S, true, true)))
                .isInstanceOfSatisfying(SwitchoverDecision.Wait.class,
                        w -> assertThat(w.why().rule()).isEqualTo(Rule.NOTHING_ITERABLE_ALREADY_QUERIED));
    }

    @Test
    void aboveTheThresholdIteratesWhatIsIterableAndOtherwiseWaits() {
        assertThat(SwitchoverPolicy.decide(estimate(Pending.precopy(300_001), 300_001)))
                .isInstanceOfSatisfying(SwitchoverDecision.Iterate.class,
                        i -> assertThat(i.why().rule()).isEqualTo(Rule.ABOVE_THRESHOLD));
        assertThat(SwitchoverPolicy.decide(exact(new Pending(1, 300_000, 0), 1)))
                .isInstanceOfSatisfying(SwitchoverDecision.Iterate.class,
                        i -> assertThat(i.why().rule()).isEqualTo(Rule.ABOVE_THRESHOLD));
        assertThat(SwitchoverPolicy.decide(exact(Pending.stopcopy(300_001), 0)))
                .isInstanceOfSatisfying(SwitchoverDecision.Wait.class,
                        w -> assertThat(w.why().rule()).isEqualTo(Rule.ABOVE_THRESHOLD_NOTHING_ITERABLE));
    }

    @Test
    void aSwitchoverThatIsNotAllowedIteratesOrWaits() {
        SwitchoverDecision iterate = SwitchoverPolicy.decide(
                with(exact(Pending.precopy(10), 10), 0, 0, ONE_MB_PER_S, false, false));
        SwitchoverDecision waits = SwitchoverPolicy.decide(
                with(exact(Pending.stopcopy(10), 0), 0, 0, ONE_MB_PER_S, false, false));

        assertThat(iterate).isInstanceOf(SwitchoverDecision.Iterate.class);
        assertThat(iterate.why().rule()).isEqualTo(Rule.SWITCHOVER_NOT_ALLOWED);
        assertThat(waits).isInstanceOf(SwitchoverDecision.Wait.class);
        assertThat(waits.why().rule()).isEqualTo(Rule.SWITCHOVER_NOT_ALLOWED);
    }

    private static SwitchoverPolicy.Inputs settling(SwitchoverPolicy.Inputs in) {
        return new SwitchoverPolicy.Inputs(in.pending(), in.exactThisRound(), in.measuredBandwidth(), in.fixedCostMs(),
                in.parameters(), in.switchoverAllowed(), in.forcedExactTakenThisWindow(), false);
    }

    @Test
    void whileTheBandwidthSettlesFiguresThatFitIterateWithoutAnExactQuery() {
        SwitchoverDecision estimate = SwitchoverPolicy.decide(settling(estimate(Pending.precopy(10), 10)));
        SwitchoverDecision exact = SwitchoverPolicy.decide(settling(exact(Pending.precopy(10), 10)));

        assertThat(estimate).isInstanceOf(SwitchoverDecision.Iterate.class);
        assertThat(estimate.why().rule()).isEqualTo(Rule.BANDWIDTH_SETTLING);
        assertThat(estimate.why().predictedDowntimeMs()).as("the prediction is still there").hasValue(1);
        assertThat(exact).isInstanceOf(SwitchoverDecision.Iterate.class);
        assertThat(exact.why().rule()).isEqualTo(Rule.BANDWIDTH_SETTLING);
    }

    @Test
    void withNothingIterableASettlingBandwidthHoldsNothingBack() {
        assertThat(SwitchoverPolicy.decide(settling(estimate(Pending.stopcopy(10), 0))))
                .isInstanceOf(SwitchoverDecision.QueryExact.class);
        assertThat(SwitchoverPolicy.decide(settling(exact(Pending.stopcopy(10), 0))))
                .isInstanceOf(SwitchoverDecision.Switchover.class);
    }

    @Test
    void exactFiguresOfAnEarlierRoundAreAnEstimate() {
        SwitchoverPolicy.Inputs stale = new SwitchoverPolicy.Inputs(
                SwitchoverPolicyPropertiesTest.snapshot(QueryMode.EXACT, Pending.precopy(10), 10), false, 0, 0,
                ONE_MB_PER_S, true, false);

        assertThat(SwitchoverPolicy.decide(stale)).isInstanceOf(SwitchoverDecision.QueryExact.class);
    }

    @Test
    void theDeclaredSwitchoverBandwidthOverridesTheMeasuredOne() {
        SwitchoverPolicy.Inputs measured = with(exact(Pending.precopy(1_000), 1_000), 2_000_000, 0,
                MigrationParameters.DEFAULTS, true, false);
        SwitchoverPolicy.Inputs declared = with(measured, 2_000_000, 0, ONE_MB_PER_S, true, false);

        assertThat(SwitchoverPolicy.decide(measured).why().switchoverBandwidth()).isEqualTo(2_000_000);
        assertThat(SwitchoverPolicy.decide(measured).why().thresholdBytes()).isEqualTo(600_000);
        assertThat(SwitchoverPolicy.decide(declared).why().switchoverBandwidth()).isEqualTo(1_000_000);
        assertThat(SwitchoverPolicy.decide(declared).why().thresholdBytes()).isEqualTo(300_000);
    }

    /**
     * DESIGN §3: the threshold is bandwidth × ({@code downtime-limit} − fixed cost), so a
     * switchover is taken only when the whole prediction fits the limit (the 1749 ms
     * against 1500 ms, and 1001 against 1000, can no longer happen).
     */
    @Test
    void theFixedCostEntersThePredictionAndTheThreshold() {
        SwitchoverDecision over = SwitchoverPolicy.decide(
                with(exact(Pending.precopy(300_000), 300_000), 0, 50, ONE_MB_PER_S, true, false));
        SwitchoverDecision fits = SwitchoverPolicy.decide(
                with(exact(Pending.precopy(250_000), 250_000), 0, 50, ONE_MB_PER_S, true, false));
        SwitchoverDecision oneMsOver = SwitchoverPolicy.decide(
                with(exact(Pending.precopy(250_001), 0), 0, 50, ONE_MB_PER_S, true, false));

        assertThat(over.why().thresholdBytes()).isEqualTo(250_000);
        assertThat(over.why().predictedDowntimeMs()).hasValue(350);
        assertThat(over).isInstanceOf(SwitchoverDecision.Iterate.class);
        assertThat(fits).isInstanceOf(SwitchoverDecision.Switchover.class);
        assertThat(fits.why().predictedDowntimeMs()).hasValue(300);
        assertThat(oneMsOver.why().predictedDowntimeMs()).hasValue(301);
        assertThat(oneMsOver).isInstanceOf(SwitchoverDecision.Wait.class);
    }

    /** A fixed cost above the limit fits nothing: not even a machine with nothing left to send. */
    @Test
    void aFixedCostAboveTheLimitFitsNothing() {
        SwitchoverDecision empty = SwitchoverPolicy.decide(
                with(exact(Pending.NONE, 0), 0, 301, ONE_MB_PER_S, true, false));
        SwitchoverDecision atTheLimit = SwitchoverPolicy.decide(
                with(exact(Pending.NONE, 0), 0, 300, ONE_MB_PER_S, true, false));

        assertThat(empty).isInstanceOf(SwitchoverDecision.Wait.class);
        assertThat(empty.why().thresholdBytes()).isZero();
        assertThat(atTheLimit).isInstanceOf(SwitchoverDecision.Switchover.class);
        assertThat(atTheLimit.why().predictedDowntimeMs()).hasValue(300);
    }

    /**
     * With no bandwidth known the threshold is 0: nothing but an EXACT total of 0 switches over,
     * and then with no predicted downtime. (A machine with nothing to send could otherwise never
     * finish over {@code file:}, where no bandwidth sample ever comes.)
     */
    @Test
    void withNoBandwidthOnlyNothingAtAllSwitchesOver() {
        SwitchoverPolicy.Inputs none = with(exact(Pending.NONE, 0), 0, 5, MigrationParameters.DEFAULTS, true, false);
        SwitchoverPolicy.Inputs one = with(exact(Pending.stopcopy(1), 0), 0, 5, MigrationParameters.DEFAULTS, true,
                false);

        assertThat(SwitchoverPolicy.decide(none)).isInstanceOf(SwitchoverDecision.Switchover.class);
        assertThat(SwitchoverPolicy.decide(none).why().predictedDowntimeMs()).as("the fixed cost: never taken "
                + "without a prediction").hasValue(5);
        assertThat(SwitchoverPolicy.decide(one)).isInstanceOf(SwitchoverDecision.Wait.class);
        assertThat(SwitchoverPolicy.decide(one).why().predictedDowntimeMs()).isEmpty();
    }

    @Test
    void theRoundCarriesTheReasonsOfItsDecision() throws Exception {
        ScriptedDevice d = new ScriptedDevice().answerBoth(Pending.precopy(150_000));
        LoopFixture f = new LoopFixture().device("d0", d).parameters(ONE_MB_PER_S).start();
        f.stats.fixedCostMs(7);

        RoundDecision round = f.next();

        assertThat(round).isInstanceOf(RoundDecision.Switchover.class);
        assertThat(round.why().rule()).isEqualTo(Rule.EXACT_WITHIN_THRESHOLD);
        assertThat(round.why().thresholdBytes()).isEqualTo(f.stats.threshold());
        assertThat(round.why().thresholdBytes()).isEqualTo(293_000);
        assertThat(round.why().predictedDowntimeMs()).isEqualTo(f.stats.expectedDowntimeMs()).hasValue(157);
    }
}
