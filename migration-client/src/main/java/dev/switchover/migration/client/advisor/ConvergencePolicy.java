package dev.switchover.migration.client.advisor;

import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MigrationStatus;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The convergence advisor's decision logic, without I/O: fed one {@link PassSample} per pass, it
 * detects a stall and decides what to do about it.
 *
 * <p>Stall rules (either is enough, only while the migration is {@code active}):
 * <ol>
 *   <li><b>nothing iterable</b>: {@code x-pending} has no pre-copy or postcopy bytes while
 *       {@code remaining} is above {@code x-threshold} — only downtime can move the rest;
 *   <li><b>no progress</b>: {@code remaining} fell by less than {@link AdvisorSettings#minProgress()}
 *       since the sample {@link AdvisorSettings#stallPasses()} passes ago, and is above the
 *       threshold (when the monitor reports one).
 * </ol>
 * At a stall: if {@code expected-downtime} exceeds the user's maximum, the verdict is
 * {@link AdvisorDecision.CannotConverge} (given once; the policy then stays silent). Otherwise the
 * new limit is {@code ⌈expected-downtime × margin⌉}, capped at the maximum, and is decided only
 * if it is above the limit in force. After a decision — or a stall that needed none — the policy
 * waits {@code stallPasses} passes before judging again, so a raise gets time to take effect
 * (the engine applies a new limit within one 100 ms window). A stall while the bandwidth is not
 * known yet ({@code expected-downtime} absent) decides nothing and is judged again next pass.
 *
 * <p>Why the new limit is always above the old one when figures are consistent: the engine
 * stalls only while {@code remaining > threshold = bandwidth × limit}, and
 * {@code expected-downtime ≥ remaining ÷ bandwidth}, so {@code expected-downtime > limit}.
 *
 * <p>Not thread-safe: one driver thread feeds it. Samples with a pass number not above the last
 * one are ignored (a monitor re-read), so a driver may coalesce passes freely.
 *
 * @since 0.1
 */
public final class ConvergencePolicy {

    private final AdvisorSettings settings;
    /** Samples since the last judgement, oldest first; the first is the no-progress baseline. */
    private final ArrayDeque<PassSample> window = new ArrayDeque<>();
    private long lastPass = -1;
    private long quietUntilPass;
    private boolean gaveUp;

    public ConvergencePolicy(AdvisorSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The settings it decides with. */
    public AdvisorSettings settings() {
        return settings;
    }

    /**
     * Takes the sample of one pass and returns a decision, if this pass calls for one.
     *
     * @param devices asked only for a {@link AdvisorDecision.CannotConverge} verdict, to name the
     *                devices holding the data ({@code x-query-migrate-devices}); may return an
     *                empty list when the monitor can not say
     */
    public Optional<AdvisorDecision> observe(PassSample sample, Supplier<List<DeviceReport>> devices) {
        Objects.requireNonNull(sample, "sample");
        Objects.requireNonNull(devices, "devices");
        if (gaveUp || sample.status() != MigrationStatus.ACTIVE || sample.pass() <= lastPass) {
            return Optional.empty();
        }
        lastPass = sample.pass();
        window.addLast(sample);
        trim(sample.pass());
        if (sample.pass() < quietUntilPass) {
            return Optional.empty();
        }
        Optional<Stall> stall = stall(sample);
        OptionalLong expected = sample.expectedDowntimeMs();
        if (stall.isEmpty() || expected.isEmpty()) {
            return Optional.empty();
        }
        long expectedMs = expected.getAsLong();
        if (expectedMs > settings.maxDowntimeMs()) {
            gaveUp = true;
            return Optional.of(new AdvisorDecision.CannotConverge(sample.pass(), stall.get(), expectedMs,
                    settings.maxDowntimeMs(), DeviceHolding.largest(devices.get(), settings.namedDevices())));
        }
        long wanted = withMargin(expectedMs, settings.margin());
        long to = Math.min(wanted, settings.maxDowntimeMs());
        window.clear();
        quietUntilPass = sample.pass() + settings.stallPasses();
        if (to <= sample.downtimeLimitMs()) {
            return Optional.empty();
        }
        return Optional.of(new AdvisorDecision.RaiseDowntimeLimit(sample.pass(), stall.get(), sample.downtimeLimitMs(),
                to, expectedMs, settings.margin(), wanted > to));
    }

    /** Whether a {@link AdvisorDecision.CannotConverge} verdict was given. */
    public boolean gaveUp() {
        return gaveUp;
    }

    private Optional<Stall> stall(PassSample s) {
        OptionalLong iterable = s.iterable();
        if (iterable.isPresent() && iterable.getAsLong() == 0 && s.threshold().isPresent()
                && s.remaining() > s.threshold().getAsLong()) {
            return Optional.of(new Stall.NothingIterable(s.pass(), s.remaining(), s.threshold().getAsLong()));
        }
        if (s.threshold().isPresent() && s.remaining() <= s.threshold().getAsLong()) {
            return Optional.empty(); // it fits: the engine switches over at its next exact query
        }
        PassSample base = window.peekFirst();
        if (base == null || base.pass() > s.pass() - settings.stallPasses() || base.remaining() == 0) {
            return Optional.empty();
        }
        double progress = (double) (base.remaining() - s.remaining()) / (double) base.remaining();
        if (progress >= settings.minProgress()) {
            return Optional.empty();
        }
        return Optional.of(new Stall.NoProgress(base.pass(), base.remaining(), s.pass(), s.remaining()));
    }

    /** Keeps as the baseline the newest sample at least {@code stallPasses} passes old. */
    private void trim(long pass) {
        while (window.size() >= 2) {
            Iterator<PassSample> it = window.iterator();
            it.next();
            if (it.next().pass() > pass - settings.stallPasses()) {
                return;
            }
            window.removeFirst();
        }
    }

    /** {@code ⌈ms × margin⌉}, saturating. */
    static long withMargin(long ms, double margin) {
        double v = Math.ceil((double) ms * margin);
        return v >= (double) Long.MAX_VALUE ? Long.MAX_VALUE : (long) v;
    }
}
