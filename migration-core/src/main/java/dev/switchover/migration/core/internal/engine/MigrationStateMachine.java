package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationStatus;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

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

/**
 * The status of one migration, outgoing or incoming, and the one table of the transitions it
 * may take (QEMU's {@code MigrationStatus}, DESIGN §3).
 *
 * <p>{@link #transition(MigrationStatus, MigrationStatus)} is QEMU's {@code migrate_set_state}:
 * a compare-and-set that moves from {@code from} to {@code to} only if the status is still
 * {@code from}, and otherwise does nothing — another thread changed it first (a cancel, a
 * failure), which is a normal race. An arc the table does not have is a programming error: it
 * is logged with the caller's stack, counted and refused; the status never changes silently.
 * Terminal statuses ({@code completed}, {@code failed}, {@code cancelled}) are final: a new
 * migration gets a new machine, as QEMU's {@code migrate_init} starts over from {@code none}.
 *
 * <p>The table ({@code →} one of):
 * <pre>
 * none            → setup                          migrate / migrate-incoming
 * setup           → active, cancelling, failing, failed
 * active          → pre-switchover, device, postcopy-active, completed, cancelling, failing, failed
 * pre-switchover  → device, postcopy-active, cancelling, failing
 * device          → completed, cancelling, failing, failed
 * postcopy-active → completed, cancelling, failing, failed
 * failing         → failed                         once every device is cleaned up
 * cancelling      → cancelled, failed              failed: a device call hung while cancelling
 * completed, failed, cancelled: final
 * </pre>
 * {@code active → completed} is the destination's end (it has no {@code device} phase).
 *
 * <p>Thread-safe. {@link #current()} never blocks; transitions are serialised so that the
 * listener hears them in the order they happened (it runs under the machine's lock and must not
 * block or call back).
 */
public final class MigrationStateMachine {

    /** Told every change, in order, under the machine's lock. */
    @FunctionalInterface
    public interface Listener {
        void changed(MigrationStatus from, MigrationStatus to);
    }

    private static final System.Logger LOG = System.getLogger(MigrationStateMachine.class.getName());

    private static final Map<MigrationStatus, Set<MigrationStatus>> ARCS = arcs();

    private final String name;
    private final Listener listener;
    private final java.util.function.Consumer<IllegalStateException> refusals;
    private final Object lock = new Object();
    private volatile MigrationStatus current = NONE;
    private final AtomicLong illegalTransitions = new AtomicLong();

    /**
     * A machine in {@code none}.
     *
     * @param name     what the log calls this migration, e.g. "migration to tcp:host:4444"
     * @param listener told every change
     */
    public MigrationStateMachine(String name, Listener listener) {
        this(name, listener, MigrationStateMachine::log);
    }

    /** As {@link #MigrationStateMachine(String, Listener)}, with each refused illegal transition told to {@code refusals}. */
    MigrationStateMachine(String name, Listener listener, java.util.function.Consumer<IllegalStateException> refusals) {
        this.name = Objects.requireNonNull(name, "name");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
    }

    private static Map<MigrationStatus, Set<MigrationStatus>> arcs() {
        Map<MigrationStatus, Set<MigrationStatus>> m = new EnumMap<>(MigrationStatus.class);
        for (MigrationStatus s : MigrationStatus.values()) {
            m.put(s, EnumSet.noneOf(MigrationStatus.class));
        }
        m.get(NONE).add(SETUP);
        m.get(SETUP).addAll(EnumSet.of(ACTIVE, CANCELLING, FAILING, FAILED));
        m.get(ACTIVE).addAll(EnumSet.of(PRE_SWITCHOVER, DEVICE, POSTCOPY_ACTIVE, COMPLETED, CANCELLING, FAILING, FAILED));
        m.get(PRE_SWITCHOVER).addAll(EnumSet.of(DEVICE, POSTCOPY_ACTIVE, CANCELLING, FAILING));
        m.get(DEVICE).addAll(EnumSet.of(COMPLETED, CANCELLING, FAILING, FAILED));
        m.get(POSTCOPY_ACTIVE).addAll(EnumSet.of(COMPLETED, CANCELLING, FAILING, FAILED));
        m.get(FAILING).add(FAILED);
        m.get(CANCELLING).addAll(EnumSet.of(CANCELLED, FAILED));
        m.replaceAll((from, to) -> Collections.unmodifiableSet(to));
        return Collections.unmodifiableMap(m);
    }

    /** Whether the table has the arc {@code from → to}. */
    public static boolean allowed(MigrationStatus from, MigrationStatus to) {
        return ARCS.get(from).contains(to);
    }

    /** The statuses {@code from} may move to; empty for a final one. */
    public static Set<MigrationStatus> successors(MigrationStatus from) {
        return ARCS.get(from);
    }

    /** The status now; any thread, never blocks. */
    public MigrationStatus current() {
        return current;
    }

    /**
     * Moves from {@code from} to {@code to} if the status is still {@code from} (compare-and-set,
     * as QEMU's {@code migrate_set_state}); any thread.
     *
     * @return whether it moved: false if the status was no longer {@code from} (a lost race, not
     *         an error), or if the table has no such arc (a programming error, logged)
     */
    public boolean transition(MigrationStatus from, MigrationStatus to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!allowed(from, to)) {
            refuse(from, to);
            return false;
        }
        synchronized (lock) {
            if (current != from) {
                return false;
            }
            current = to;
            listener.changed(from, to);
            return true;
        }
    }

    /**
     * Moves to {@code to} from whatever the status is, if the table allows it from there; for
     * requests that are legal in several statuses and simply moot in the others (a cancel
     * after the end, a failure while cancelling). Any thread.
     *
     * @return whether it moved
     */
    public boolean transitionIfAllowed(MigrationStatus to) {
        while (true) {
            MigrationStatus from = current;
            if (!allowed(from, to)) {
                return false;
            }
            if (transition(from, to)) {
                return true;
            }
        }
    }

    /** How many illegal transitions were asked for (each is a bug; each was logged and refused). */
    public long illegalTransitions() {
        return illegalTransitions.get();
    }

    private void refuse(MigrationStatus from, MigrationStatus to) {
        illegalTransitions.incrementAndGet();
        refusals.accept(new IllegalStateException(name + ": illegal status transition " + from.qmpName() + " → "
                + to.qmpName() + " refused (the status is " + current.qmpName() + ")"));
    }

    /** The default for refusals: an error in the log, with the stack of the caller that asked. */
    private static void log(IllegalStateException refusal) {
        LOG.log(System.Logger.Level.ERROR, refusal.getMessage(), refusal);
    }

    @Override
    public String toString() {
        return name + " [" + current.qmpName() + "]";
    }
}
