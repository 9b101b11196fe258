package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the pure switchover decision ({@link SwitchoverPolicy#decide}) over generated
 * inputs, {@code Long.MAX_VALUE} figures, limits 0 and max, bandwidths 0 and max included (jqwik
 * tries those edge cases first). The oracles compute in {@link BigInteger}, independently of the
 * policy's own arithmetic. Tries are bounded (junit-platform.properties, and per property).
 */
class SwitchoverPolicyPropertiesTest {

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger THOUSAND = BigInteger.valueOf(1000);

    // ------------------------------------------------------------------ the properties

    @Property(tries = 1000)
    void neverSwitchesOverOnAnEstimate(@ForAll("anyInputs") SwitchoverPolicy.Inputs in) {
        SwitchoverDecision d = SwitchoverPolicy.decide(in);

        if (!in.exactThisRound() || in.pending().mode() != QueryMode.EXACT) {
            assertThat(d).isNotInstanceOf(SwitchoverDecision.Switchover.class);
        }
        if (d instanceof SwitchoverDecision.Switchover s) {
            assertThat(s.why().exact()).isTrue();
            assertThat(s.why().rule()).isEqualTo(SwitchoverDecision.Rule.EXACT_WITHIN_THRESHOLD);
        }
    }

    @Property(tries = 1000)
    void neverSwitchesOverWhenTheWholePredictionExceedsTheLimit(@ForAll("switchBiasedInputs") SwitchoverPolicy.Inputs in) {
        SwitchoverDecision d = SwitchoverPolicy.decide(in);

        if (d instanceof SwitchoverDecision.Switchover s && bandwidth(in) > 0) {
            BigInteger transferMs = ceilDiv(big(in.pending().total().total()).multiply(THOUSAND), big(bandwidth(in)));
            assertThat(transferMs.add(big(Math.max(0, in.fixedCostMs()))))
                    .isLessThanOrEqualTo(big(in.parameters().downtimeLimitMs()));
            assertThat(s.why().predictedDowntimeMs()).isPresent();
            assertThat(s.why().predictedDowntimeMs().getAsLong()).isLessThanOrEqualTo(in.parameters().downtimeLimitMs());
        }
    }

    /** With a known bandwidth, EXACT figures of this round switch over exactly when the whole prediction fits. */
    @Property(tries = 1000)
    void anExactRoundSwitchesOverIfAndOnlyIfThePredictionFitsTheLimit(
            @ForAll("switchBiasedInputs") SwitchoverPolicy.Inputs in) {
        SwitchoverDecision d = SwitchoverPolicy.decide(in);

        if (bandwidth(in) > 0) {
            boolean predictionFits = d.why().predictedDowntimeMs().getAsLong() <= in.parameters().downtimeLimitMs();
            assertThat(d instanceof SwitchoverDecision.Switchover).isEqualTo(predictionFits);
        }
    }

    /**
     * While the bandwidth settles, nothing iterable is held back by it, and with something
     * iterable there is neither a switchover nor an EXACT query (a pass per round would follow);
     * the prediction is the one a settled bandwidth gives.
     */
    @Property
    void aSettlingBandwidthOnlyEverHoldsBackWhatCouldStillIterate(@ForAll("anyInputs") SwitchoverPolicy.Inputs in) {
        SwitchoverPolicy.Inputs settling = new SwitchoverPolicy.Inputs(in.pending(), in.exactThisRound(),
                in.measuredBandwidth(), in.fixedCostMs(), in.parameters(), in.switchoverAllowed(),
                in.forcedExactTakenThisWindow(), false);

        SwitchoverDecision held = SwitchoverPolicy.decide(settling);
        SwitchoverDecision settled = SwitchoverPolicy.decide(in);

        assertThat(held.why().predictedDowntimeMs()).isEqualTo(settled.why().predictedDowntimeMs());
        if (Math.max(0, in.pending().iterableNow()) == 0) {
            assertThat(held).isEqualTo(settled);
        } else {
            assertThat(held).isNotInstanceOfAny(SwitchoverDecision.Switchover.class,
                    SwitchoverDecision.QueryExact.class).isInstanceOf(
                    settled instanceof SwitchoverDecision.Iterate || settled instanceof SwitchoverDecision.Switchover
                            || settled instanceof SwitchoverDecision.QueryExact
                            ? SwitchoverDecision.Iterate.class : SwitchoverDecision.Wait.class);
        }
    }

    @Property
    void neverSwitchesOverWithAnUnknownBandwidthWhileAnythingIsLeft(
            @ForAll("anyInputs") SwitchoverPolicy.Inputs generated, @ForAll("notPositive") long measured) {
        SwitchoverPolicy.Inputs in = new SwitchoverPolicy.Inputs(generated.pending(), generated.exactThisRound(),
                measured, generated.fixedCostMs(), generated.parameters().withAvailSwitchoverBandwidth(0),
                generated.switchoverAllowed(), generated.forcedExactTakenThisWindow());

        SwitchoverDecision d = SwitchoverPolicy.decide(in);

        assertThat(d.why().switchoverBandwidth()).isZero();
        assertThat(d.why().thresholdBytes()).isZero();
        if (in.pending().total().total() > 0) {
            assertThat(d.why().predictedDowntimeMs()).as("no expected downtime without a bandwidth").isEmpty();
            assertThat(d).isNotInstanceOf(SwitchoverDecision.Switchover.class);
        } else {
            assertThat(d.why().predictedDowntimeMs()).as("nothing left: the fixed cost, at any bandwidth")
                    .hasValue(Math.max(0, in.fixedCostMs()));
        }
    }

    @Property
    void atTheThresholdItSwitchesOverExactlyUpToIt(@ForAll("positiveBandwidth") long bandwidth,
                                                  @ForAll("limits") long limit,
                                                  @ForAll("aroundZero") int offset, @ForAll boolean stopcopy) {
        long threshold = thresholdOracle(bandwidth, limit, 0);
        long total = Math.max(0, saturatingAdd(threshold, offset));
        Pending p = stopcopy ? Pending.stopcopy(total) : Pending.precopy(total);
        SwitchoverPolicy.Inputs in = new SwitchoverPolicy.Inputs(snapshot(QueryMode.EXACT, p, p.iterable()), true,
                bandwidth, 0, MigrationParameters.DEFAULTS.withDowntimeLimitMs(limit), true, false);

        SwitchoverDecision d = SwitchoverPolicy.decide(in);

        assertThat(d.why().thresholdBytes()).isEqualTo(threshold);
        if (total <= threshold) {
            assertThat(d).isInstanceOf(SwitchoverDecision.Switchover.class);
            assertThat(d.why().predictedDowntimeMs().getAsLong()).isLessThanOrEqualTo(limit);
        } else {
            assertThat(d).isNotInstanceOf(SwitchoverDecision.Switchover.class);
            assertThat(d.why().predictedDowntimeMs().getAsLong()).isGreaterThan(limit);
        }
    }

    @Property(tries = 1000)
    void noOverflowAndNoExceptionAtAnyInput(@ForAll("anyInputs") SwitchoverPolicy.Inputs in) {
        SwitchoverDecision d = SwitchoverPolicy.decide(in);

        SwitchoverDecision.Reasons why = d.why();
        long bandwidth = bandwidth(in);
        assertThat(why.switchoverBandwidth()).isEqualTo(bandwidth);
        assertThat(why.thresholdBytes()).isEqualTo(thresholdOracle(bandwidth, in.parameters().downtimeLimitMs(),
                in.fixedCostMs()));
        assertThat(why.predictedDowntimeMs()).isEqualTo(predictedOracle(in.pending().total().total(), bandwidth,
                in.fixedCostMs()));
        assertThat(why.totalBytes()).isNotNegative();
        assertThat(why.iterableBytes()).isNotNegative();
        assertThat(why.fixedCostMs()).isNotNegative();
        assertThat(why.describe()).isNotBlank();
    }

    @Property(tries = 1000)
    void theArithmeticIsExactAndSaturatesForAnyLongs(@ForAll("anyLong") long bandwidth, @ForAll("anyLong") long limit,
                                                     @ForAll("anyLong") long total, @ForAll("anyLong") long fixedCost) {
        assertThat(SwitchoverPolicy.threshold(bandwidth, limit, fixedCost))
                .isEqualTo(thresholdOracle(bandwidth, limit, fixedCost));
        assertThat(SwitchoverPolicy.expectedDowntimeMs(total, bandwidth, fixedCost))
                .isEqualTo(predictedOracle(total, bandwidth, fixedCost));
        assertThat(SwitchoverPolicy.switchoverBandwidth(limit, bandwidth)).isNotNegative();
    }

    @Property
    void ifItSwitchesOverAtSomePendingItSwitchesOverAtAnySmallerTotal(
            @ForAll("switchBiasedInputs") SwitchoverPolicy.Inputs in,
            @ForAll @DoubleRange(min = 0, max = 1) double precopyShare,
            @ForAll @DoubleRange(min = 0, max = 1) double stopcopyShare,
            @ForAll @DoubleRange(min = 0, max = 1) double postcopyShare) {
        Pending p = in.pending().total();
        Pending smaller = new Pending(share(p.precopy(), precopyShare), share(p.stopcopy(), stopcopyShare),
                share(p.postcopy(), postcopyShare));
        SwitchoverPolicy.Inputs less = withPending(in, smaller);
        assertThat(smaller.total()).isLessThanOrEqualTo(p.total());

        if (SwitchoverPolicy.decide(in) instanceof SwitchoverDecision.Switchover) {
            assertThat(SwitchoverPolicy.decide(less)).isInstanceOf(SwitchoverDecision.Switchover.class);
        }
    }

    @Property
    void neverAsksForAnotherExactQueryOnTheExactFiguresOfTheRound(@ForAll("anyInputs") SwitchoverPolicy.Inputs in) {
        SwitchoverPolicy.Inputs exact = in.withExact(snapshot(QueryMode.EXACT, in.pending().total(),
                in.pending().iterableNow()));

        assertThat(SwitchoverPolicy.decide(exact)).isNotInstanceOf(SwitchoverDecision.QueryExact.class);
    }

    @Property
    void withNothingIterableItNeverIteratesAndAsksAtMostOncePerWindow(@ForAll("anyInputs") SwitchoverPolicy.Inputs g) {
        SwitchoverPolicy.Inputs in = withPending(g, g.pending().total(), 0);

        SwitchoverDecision d = SwitchoverPolicy.decide(in);

        assertThat(d).isNotInstanceOf(SwitchoverDecision.Iterate.class);
        boolean fits = in.pending().total().total() <= d.why().thresholdBytes()
                && Math.max(0, in.fixedCostMs()) <= in.parameters().downtimeLimitMs();
        if (in.forcedExactTakenThisWindow() && !fits) {
            assertThat(d).isInstanceOf(SwitchoverDecision.Wait.class);
        }
    }

    // ------------------------------------------------------------------ generators

    /** Any figures: small ones (where decisions flip) and anything up to Long.MAX_VALUE. */
    @Provide
    Arbitrary<SwitchoverPolicy.Inputs> anyInputs() {
        return inputs(Arbitraries.of(QueryMode.values()), Arbitraries.of(true, false), Arbitraries.of(true, false),
                bytes());
    }

    /** Figures that tend to fit: EXACT results of this round, switchover allowed, modest totals. */
    @Provide
    Arbitrary<SwitchoverPolicy.Inputs> switchBiasedInputs() {
        Arbitrary<Long> modest = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.longs().between(0, 1L << 24)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, Long.MAX_VALUE)));
        return inputs(Arbitraries.just(QueryMode.EXACT), Arbitraries.just(true), Arbitraries.just(true), modest);
    }

    @Provide
    Arbitrary<Long> positiveBandwidth() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.longs().between(1, 100_000_000_000L)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, Long.MAX_VALUE)));
    }

    @Provide
    Arbitrary<Long> limits() {
        return Arbitraries.longs().between(0, MigrationParameters.MAX_DOWNTIME_LIMIT_MS);
    }

    @Provide
    Arbitrary<Integer> aroundZero() {
        return Arbitraries.integers().between(-2, 2);
    }

    @Provide
    Arbitrary<Long> notPositive() {
        return Arbitraries.longs().between(Long.MIN_VALUE, 0);
    }

    @Provide
    Arbitrary<Long> anyLong() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.longs()),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(-10, 10_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(0L, 1L, 999L, 1000L, 1001L, Long.MAX_VALUE, Long.MIN_VALUE,
                        Long.MAX_VALUE / 1000, Long.MAX_VALUE / 1000 + 1, MigrationParameters.MAX_DOWNTIME_LIMIT_MS)));
    }

    private static Arbitrary<Long> bytes() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.longs().between(0, 1L << 30)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, Long.MAX_VALUE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(0L, Long.MAX_VALUE)));
    }

    private static Arbitrary<SwitchoverPolicy.Inputs> inputs(Arbitrary<QueryMode> modes, Arbitrary<Boolean> exact,
                                                             Arbitrary<Boolean> allowed, Arbitrary<Long> bytes) {
        Arbitrary<PendingSnapshot> pending = Combinators.combine(modes, bytes, bytes, bytes, bytes)
                .as((mode, pre, stop, post, iterable) -> snapshot(mode, new Pending(pre, stop, post), iterable));
        Arbitrary<Long> bandwidth = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.longs().between(0, 100_000_000_000L)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs()),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(0L, 1L, 999L, Long.MAX_VALUE)));
        Arbitrary<Long> avail = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(0L)),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(0, 100_000_000_000L)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(1L, Long.MAX_VALUE)));
        Arbitrary<Long> limit = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.longs().between(0, 2_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, MigrationParameters.MAX_DOWNTIME_LIMIT_MS)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(0L, MigrationParameters.MAX_DOWNTIME_LIMIT_MS)));
        Arbitrary<MigrationParameters> parameters = Combinators.combine(limit, avail)
                .as((l, a) -> new MigrationParameters(l, MigrationParameters.DEFAULTS.maxBandwidth(), a));
        Arbitrary<Long> fixedCost = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.longs().between(0, 500)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs()));
        return Combinators.combine(pending, exact, bandwidth, fixedCost, parameters, allowed, Arbitraries.of(true, false))
                .as(SwitchoverPolicy.Inputs::new);
    }

    // ------------------------------------------------------------------ oracles and helpers

    /** ⌊bandwidth × (limit − max(fixed, 0)) ÷ 1000⌋ capped at Long.MAX_VALUE; 0 unless both factors are positive. */
    private static long thresholdOracle(long bandwidth, long limit, long fixedCost) {
        BigInteger budget = big(limit).subtract(big(Math.max(0, fixedCost)));
        if (bandwidth <= 0 || budget.signum() <= 0) {
            return 0;
        }
        return cap(big(bandwidth).multiply(budget).divide(THOUSAND));
    }

    /** ⌈max(total, 0) × 1000 ÷ bandwidth⌉ + max(fixed, 0), capped; empty without a bandwidth. */
    private static OptionalLong predictedOracle(long total, long bandwidth, long fixedCost) {
        if (total <= 0) {
            return OptionalLong.of(Math.max(0, fixedCost));
        }
        if (bandwidth <= 0) {
            return OptionalLong.empty();
        }
        BigInteger ms = ceilDiv(big(Math.max(0, total)).multiply(THOUSAND), big(bandwidth));
        return OptionalLong.of(cap(ms.add(big(Math.max(0, fixedCost)))));
    }

    private static long bandwidth(SwitchoverPolicy.Inputs in) {
        long avail = in.parameters().availSwitchoverBandwidth();
        return avail > 0 ? avail : Math.max(0, in.measuredBandwidth());
    }

    private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    }

    private static long cap(BigInteger v) {
        return v.compareTo(LONG_MAX) > 0 ? Long.MAX_VALUE : v.longValueExact();
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    private static long saturatingAdd(long a, long b) {
        return cap(big(a).add(big(b)));
    }

    private static long share(long bytes, double share) {
        return Math.max(0, Math.min(bytes, (long) (bytes * share)));
    }

    static PendingSnapshot snapshot(QueryMode mode, Pending total, long iterableNow) {
        return new PendingSnapshot(mode, total, iterableNow, List.of(), List.of(), Map.of());
    }

    private static SwitchoverPolicy.Inputs withPending(SwitchoverPolicy.Inputs in, Pending total) {
        return withPending(in, total, in.pending().iterableNow());
    }

    private static SwitchoverPolicy.Inputs withPending(SwitchoverPolicy.Inputs in, Pending total, long iterableNow) {
        return new SwitchoverPolicy.Inputs(snapshot(in.pending().mode(), total, iterableNow), in.exactThisRound(),
                in.measuredBandwidth(), in.fixedCostMs(), in.parameters(), in.switchoverAllowed(),
                in.forcedExactTakenThisWindow());
    }

    private static SwitchoverPolicy.Inputs withFixedCost(SwitchoverPolicy.Inputs in, long fixedCostMs) {
        return new SwitchoverPolicy.Inputs(in.pending(), in.exactThisRound(), in.measuredBandwidth(), fixedCostMs,
                in.parameters(), in.switchoverAllowed(), in.forcedExactTakenThisWindow());
    }
}
