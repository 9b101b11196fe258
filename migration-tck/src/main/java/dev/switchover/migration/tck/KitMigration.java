package dev.switchover.migration.tck;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The kit's own small migration of one device, so that every rule drives a device through the
 * same realistic sequence the core uses: {@code saveSetup} (a START section), {@code
 * saveIterate} while the device reports iterable bytes (one PART section each), the stop
 * ({@link RunState#FINISH_MIGRATE}), {@code saveComplete} (an END section), {@code saveCleanup};
 * then, on a destination, {@code loadSetup}, {@code loadSection} for each section in order with
 * the source's {@code sectionVersion()}, {@code loadCleanup}.
 *
 * <p>Like the core, the kit asks EXACT before each iteration and iterates only while the device
 * reports iterable bytes; it stops iterating when the device says {@link IterationResult#DONE}
 * (unless the test dirtied it since). A device that keeps reporting iterable bytes without ever
 * reducing them fails after {@link #MAX_STALE_ROUNDS} rounds instead of spinning.
 *
 * <p>Every device call is wrapped: an exception, or a {@code null} where the SPI forbids one,
 * becomes an {@link AssertionError} naming the call and the point of the migration, filed under
 * the rule it breaks ({@code queryPending} under {@link Rule#PENDING01}, a load under {@link
 * Rule#STATE01}, a cleanup under {@link Rule#LIFE01}); and every call runs under the fixture's
 * {@linkplain DeviceFixture#callTimeout() call timeout}, so a call that hangs fails, naming
 * itself and the rule, instead of hanging the build.
 *
 * <p><b>Thread:</b> the test thread, which plays the migration thread.
 *
 * @since 0.1
 */
public final class KitMigration {

    /** The iteration budget the kit uses unless a rule needs several small iterations: 1 MiB. */
    public static final long DEFAULT_BUDGET = 1L << 20;

    /** Rounds in a row without the iterable figure going down before the kit gives up. */
    public static final int MAX_STALE_ROUNDS = 64;

    /** Rounds in all before the kit gives up. */
    public static final int MAX_ROUNDS = 100_000;

    /**
     * One section the source wrote.
     *
     * @param kind    which save call wrote it
     * @param payload the bytes, as written (the array is the kit's own copy)
     */
    public record Section(SectionKind kind, byte[] payload) {
        public Section {
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Section(SectionKind k, byte[] p) && k == kind && Arrays.equals(p, payload);
        }

        @Override
        public int hashCode() {
            return 31 * kind.hashCode() + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return kind + "(" + payload.length + " bytes)";
        }
    }

    private final DeviceFixture source;
    private final List<Section> sections = new ArrayList<>();
    private int rounds;

    /** Starts a migration of {@code source}'s device; nothing is called yet. */
    public KitMigration(DeviceFixture source) {
        this.source = source;
    }

    /**
     * Runs a whole migration from {@code source} to {@code destination}: setup, iterations of
     * {@code budget} bytes ({@code afterRound} is told each finished round's number, from 1, and
     * returns whether it dirtied the source), {@code beforeStop}, complete, cleanup, then loads
     * every section into the destination.
     *
     * @return the finished migration, for its sections
     */
    public static KitMigration migrate(DeviceFixture source, DeviceFixture destination, long budget,
                                       IntPredicate afterRound, Runnable beforeStop) {
        KitMigration m = new KitMigration(source);
        m.run(() -> {
            m.setup(SaveOptions.PRECOPY);
            m.iterateUntilDone(budget, afterRound);
            beforeStop.run();
            m.complete();
        });
        m.loadInto(destination);
        return m;
    }

    /**
     * Runs {@code steps} and then {@link #cleanup()}, as the core cleans up after a migration
     * whether it succeeded or not. A cleanup failure after a failed step is added to the
     * step's failure as suppressed, so the first problem stays the reported one.
     */
    public void run(Runnable steps) {
        try {
            steps.run();
        } catch (RuntimeException | Error e) {
            try {
                cleanup();
            } catch (AssertionError cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e;
        }
        cleanup();
    }

    /**
     * Asks the device for its pending figures: {@link #answer}'s figures.
     *
     * @param when where in the migration, for the failure message ("after saveSetup")
     * @throws AssertionError if the device throws or returns {@code null}
     */
    public Pending query(QueryMode mode, String when) {
        return answer(mode, when).pending();
    }

    /**
     * Asks the device for its whole answer: the figures and, if it clamped or guessed, its note.
     *
     * @param when where in the migration, for the failure message ("after saveSetup")
     * @throws AssertionError if the device throws or returns {@code null}
     */
    public PendingAnswer answer(QueryMode mode, String when) {
        PendingAnswer a;
        String what = "queryPending(" + mode + ") " + when;
        try {
            a = source.call(what, Rule.PENDING01, () -> device().queryPending(mode));
        } catch (IllegalArgumentException e) {
            throw new RuleFinding(Rule.PENDING01, what + " threw IllegalArgumentException, the sign of a bucket "
                    + "that went negative: " + e.getMessage() + traces(), e);
        } catch (IOException | RuntimeException e) {
            throw new RuleFinding(Rule.PENDING01, what + " threw " + e + traces(), e);
        }
        if (a == null) {
            throw new RuleFinding(Rule.PENDING01, what + " returned null" + traces(), null);
        }
        return a;
    }

    /** Calls {@code saveSetup} without postcopy ({@link SaveOptions#PRECOPY}): {@link #setup(SaveOptions)}. */
    public void setup() {
        setup(SaveOptions.PRECOPY);
    }

    /** Calls {@code saveSetup} and keeps its payload as the START section. */
    public void setup(SaveOptions options) {
        MemorySectionWriter out = new MemorySectionWriter();
        call("saveSetup", () -> {
            device().saveSetup(out.writer(), options);
            out.flush();
        });
        sections.add(new Section(SectionKind.START, out.toByteArray()));
    }

    /** Calls {@code saveIterate} once with {@code budget} and keeps its payload as a PART section. */
    public IterationResult iterate(long budget) {
        MemorySectionWriter out = new MemorySectionWriter();
        rounds++;
        IterationResult[] r = new IterationResult[1];
        call("saveIterate (round " + rounds + ")", () -> {
            r[0] = device().saveIterate(out.writer(), budget);
            out.flush();
        });
        if (r[0] == null) {
            throw new AssertionError("saveIterate (round " + rounds + ") returned null" + traces());
        }
        sections.add(new Section(SectionKind.PART, out.toByteArray()));
        return r[0];
    }

    /**
     * Iterates as the core does: while EXACT reports iterable bytes and {@code isActiveIterate()}
     * allows, call {@code saveIterate}; stop at {@link IterationResult#DONE} unless {@code
     * afterRound} (told each finished round's number) returns {@code true} because it dirtied
     * the device.
     *
     * @throws AssertionError if the iterable figure does not go down for {@link
     *                        #MAX_STALE_ROUNDS} rounds, or after {@link #MAX_ROUNDS} rounds
     */
    public void iterateUntilDone(long budget, IntPredicate afterRound) {
        long lowest = Long.MAX_VALUE;
        int stale = 0;
        while (true) {
            Pending p = query(QueryMode.EXACT, "before iteration " + (rounds + 1));
            if (!mayIterate(p)) {
                return;
            }
            if (p.iterable() < lowest) {
                lowest = p.iterable();
                stale = 0;
            } else if (++stale >= MAX_STALE_ROUNDS) {
                throw new AssertionError("the device reported " + p.iterable() + " iterable bytes for "
                        + MAX_STALE_ROUNDS + " rounds in a row without the figure going down, and saveIterate never "
                        + "returned DONE: data it can not send while running belongs in the stop-copy bucket"
                        + traces());
            }
            if (rounds >= MAX_ROUNDS) {
                throw new AssertionError("the device still reports " + p + " after " + MAX_ROUNDS + " iterations"
                        + traces());
            }
            IterationResult r = iterate(budget);
            boolean dirtied = afterRound.test(rounds);
            if (dirtied) {
                lowest = Long.MAX_VALUE;
            } else if (r == IterationResult.DONE) {
                return;
            }
        }
    }

    /**
     * Whether the core would call {@code saveIterate} now, given the device's latest figures:
     * only while it reports iterable bytes and its {@code isActiveIterate()} allows.
     */
    public boolean mayIterate(Pending latest) {
        if (latest.iterable() == 0) {
            return false;
        }
        boolean[] active = new boolean[1];
        call("isActiveIterate", () -> active[0] = device().isActiveIterate());
        return active[0];
    }

    /** Stops the machine ({@link RunState#FINISH_MIGRATE}) and calls {@code saveComplete}: the END section. */
    public void complete() {
        source.changeRunState(RunState.FINISH_MIGRATE);
        MemorySectionWriter out = new MemorySectionWriter();
        call("saveComplete", () -> {
            device().saveComplete(out.writer());
            out.flush();
        });
        sections.add(new Section(SectionKind.END, out.toByteArray()));
    }

    /**
     * Calls {@code saveCleanup}; after a completed migration the source moves to {@link
     * RunState#POSTMIGRATE}. Safe to call in a {@code finally}.
     *
     * @throws AssertionError if {@code saveCleanup} throws (the SPI says it must not)
     */
    public void cleanup() {
        call(source, "saveCleanup", Rule.LIFE01, () -> device().saveCleanup());
        if (source.runState() == RunState.FINISH_MIGRATE) {
            source.changeRunState(RunState.POSTMIGRATE);
        }
    }

    /** {@return the sections written so far, in order} */
    public List<Section> sections() {
        return List.copyOf(sections);
    }

    /**
     * {@return the payload of the last section written}
     *
     * @throws java.util.NoSuchElementException if no section was written yet
     */
    public byte[] lastPayload() {
        return sections.getLast().payload();
    }

    /** {@return the number of {@code saveIterate} calls so far} */
    public int rounds() {
        return rounds;
    }

    /** {@return the payload bytes of every section so far} */
    public long payloadBytes() {
        long n = 0;
        for (Section s : sections) {
            n += s.payload.length;
        }
        return n;
    }

    /**
     * Loads every section, in order, into {@code destination}'s device at the source's {@code
     * sectionVersion()}, between {@code loadSetup} and {@code loadCleanup}; then the destination
     * moves to {@link RunState#PAUSED}.
     *
     * @throws AssertionError if a call throws, or {@code loadSection} does not read its section
     *                        exactly to the end
     */
    public void loadInto(DeviceFixture destination) {
        MigrationDevice dst = destination.device();
        int version = device().sectionVersion();
        try {
            call(destination, "loadSetup", Rule.STATE01, dst::loadSetup);
            for (int i = 0; i < sections.size(); i++) {
                Section s = sections.get(i);
                MemorySectionReader in = new MemorySectionReader(s.payload);
                String what = "loadSection(" + s.kind() + " section #" + i + " of " + s.payload.length
                        + " bytes, version " + version + ")";
                call(destination, what, Rule.STATE01, () -> dst.loadSection(in, s.kind(), version));
                if (in.remaining() != 0) {
                    throw new RuleFinding(Rule.STATE01, what + " read " + in.bytesRead() + " bytes and left " + in.remaining()
                            + " unread: loadSection must read exactly what the save call wrote", null);
                }
            }
        } finally {
            call(destination, "loadCleanup", Rule.LIFE01, dst::loadCleanup);
        }
        destination.changeRunState(RunState.PAUSED);
    }

    private MigrationDevice device() {
        return source.device();
    }

    private String traces() {
        List<String> t = source.traces();
        return t.isEmpty() ? "" : " (device traces, oldest first: " + String.join("; ", t) + ")";
    }

    private void call(String what, DeviceCall c) {
        call(source, what, null, c);
    }

    /**
     * Makes one call on {@code fixture}'s device under its timeout; a throw becomes a finding
     * under {@code rule} ({@code null}: the rule being checked).
     */
    private static void call(DeviceFixture fixture, String what, Rule rule, DeviceCall c) {
        try {
            fixture.call(what, rule, () -> {
                c.run();
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw new RuleFinding(rule, what + " on " + fixture.device().getClass().getName() + " threw " + e, e);
        }
    }

    @FunctionalInterface
    private interface DeviceCall {
        void run() throws IOException;
    }
}
