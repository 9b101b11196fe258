package dev.switchover.migration.client.advisor;

import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpEvent;
import dev.switchover.migration.client.QmpException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Drives a {@link ConvergencePolicy} from a QMP connection to a migration source: at every
 * {@code MIGRATION_PASS} event it reads {@code query-migrate} and {@code query-migrate-parameters},
 * asks the policy, and carries the decision out — {@code migrate-set-parameters downtime-limit}
 * for a raise; for a "can not converge" verdict, {@code x-query-migrate-devices} to name the
 * devices and, if the settings say so, {@code migrate_cancel} (the machine keeps running on the
 * source).
 *
 * <p>Threads: the client's reader thread only records the newest pass number (an event listener
 * must not issue commands); one advisor thread does the rest, so passes that arrive while it is
 * busy are coalesced into the newest. The decision listener runs on the advisor thread, after
 * the decision was carried out, and should return quickly. The advisor shares the client with
 * its caller (QMP commands take turns).
 *
 * <p>It ends by itself once the migration it watched ends (or the connection breaks, see
 * {@link #failure()}); {@link #close()} ends it at once. It never starts, and never decides on,
 * a migration that is not {@code active}.
 *
 * @since 0.1
 */
public final class ConvergenceAdvisor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ConvergenceAdvisor.class.getName());
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final QmpClient client;
    private final ConvergencePolicy policy;
    private final Consumer<AdvisorDecision> listener;
    private final AtomicLong newestPass = new AtomicLong(-1);
    private final List<AdvisorDecision> decisions = new CopyOnWriteArrayList<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AutoCloseable subscription;
    private final Thread worker;
    private volatile boolean closed;
    private volatile Exception failure;
    private volatile boolean migrationEnded;

    private ConvergenceAdvisor(QmpClient client, AdvisorSettings settings, Consumer<AdvisorDecision> listener) {
        this.client = client;
        this.policy = new ConvergencePolicy(settings);
        this.listener = listener;
        this.worker = Thread.ofPlatform().name("convergence-advisor").daemon().unstarted(this::run);
        this.subscription = client.addEventListener(this::onEvent);
    }

    /**
     * Starts advising on the migration {@code client}'s machine runs or is about to run; start it
     * before {@code migrate} so no pass is missed.
     *
     * @param listener told every decision, after it was carried out
     * @throws IllegalStateException if the {@code events} capability is off (there would be no
     *                               {@code MIGRATION_PASS} events to act on)
     * @throws IOException           if the connection fails
     * @throws QmpException          if the monitor refuses {@code query-migrate-capabilities}
     */
    public static ConvergenceAdvisor start(QmpClient client, AdvisorSettings settings,
                                           Consumer<AdvisorDecision> listener) throws IOException, QmpException {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(listener, "listener");
        if (!client.queryCapabilities().contains(MigrationCapability.EVENTS)) {
            throw new IllegalStateException("the convergence advisor needs the 'events' migration capability on "
                    + "(it acts on MIGRATION_PASS events); set it before the migration starts");
        }
        ConvergenceAdvisor advisor = new ConvergenceAdvisor(client, settings, listener);
        advisor.worker.start();
        return advisor;
    }

    /** Every decision so far, oldest first. */
    public List<AdvisorDecision> decisions() {
        return List.copyOf(decisions);
    }

    /** The "can not converge" verdict, once given. */
    public Optional<AdvisorDecision.CannotConverge> verdict() {
        return decisions.stream().filter(d -> d instanceof AdvisorDecision.CannotConverge)
                .map(d -> (AdvisorDecision.CannotConverge) d).findFirst();
    }

    /** What stopped the advisor early: a broken connection or a refused command. */
    public Optional<Exception> failure() {
        return Optional.ofNullable(failure);
    }

    /** Waits until the advisor ended (the migration ended, it failed, or it was closed). */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    /** Stops advising at once; a decision being carried out completes first. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(worker);
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "removing the advisor's event listener", e);
        }
    }

    /** On the client's reader thread: remember the pass, wake the worker; nothing else. */
    private void onEvent(QmpEvent event) {
        if (event.name().equals("MIGRATION_PASS") && event.data().get("pass") instanceof Long pass) {
            newestPass.accumulateAndGet(pass, Math::max);
            LockSupport.unpark(worker);
        } else if (event.name().equals("MIGRATION") && event.data().get("status") instanceof String status
                && isEnd(status)) {
            migrationEnded = true;
            LockSupport.unpark(worker);
        }
    }

    private void run() {
        long handled = -1;
        boolean sawRunning = false;
        try {
            while (!closed && !migrationEnded) {
                long pass = newestPass.get();
                if (pass == handled) {
                    LockSupport.parkNanos(this, IDLE_NANOS);
                }
                pass = newestPass.get();
                MigrationInfo info = client.queryMigrate();
                MigrationStatus status = info.status().orElse(MigrationStatus.NONE);
                sawRunning |= status.isRunning();
                if (sawRunning && status.isTerminal()) {
                    return;
                }
                boolean newPass = pass != handled;
                handled = pass;
                if (!newPass || status != MigrationStatus.ACTIVE) {
                    continue;
                }
                long limit = client.queryParameters().downtimeLimitMs();
                Optional<PassSample> sample = PassSample.of(info, pass, limit);
                if (sample.isPresent()) {
                    Optional<AdvisorDecision> decision = policy.observe(sample.get(), this::devices);
                    if (decision.isPresent()) {
                        carryOut(decision.get());
                    }
                }
            }
        } catch (IOException | QmpException | UncheckedIOException e) {
            if (!closed) {
                failure = e;
                LOG.log(Level.WARNING, "the convergence advisor stopped: {0}", e.getMessage());
            }
        } finally {
            finished.countDown();
        }
    }

    private static boolean isEnd(String status) {
        try {
            MigrationStatus s = MigrationStatus.ofQmpName(status);
            return s.isTerminal() && s != MigrationStatus.NONE;
        } catch (IllegalArgumentException e) {
            return false; // a status this client does not know is not an end it can recognise
        }
    }

    /**
     * A raise is recorded once the monitor accepted it; a verdict is recorded before the cancel,
     * so whoever sees the migration cancelled also finds the verdict.
     */
    private void carryOut(AdvisorDecision decision) throws IOException, QmpException {
        LOG.log(Level.DEBUG, decision.describe()); // the listener is how decisions are told; this is for tracing
        switch (decision) {
            case AdvisorDecision.RaiseDowntimeLimit raise -> {
                client.setParameter("downtime-limit", raise.toMs());
                decisions.add(decision);
            }
            case AdvisorDecision.CannotConverge verdict -> {
                decisions.add(decision);
                if (policy.settings().cancelWhenImpossible()) {
                    client.cancel();
                }
            }
        }
        try {
            listener.accept(decision);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "an advisor decision listener failed", e);
        }
    }

    /** {@code x-query-migrate-devices}; empty from a monitor that lacks it (QEMU). */
    private List<DeviceReport> devices() {
        try {
            return client.queryDevices();
        } catch (QmpException e) {
            LOG.log(Level.DEBUG, "the monitor can not list devices: " + e.getMessage());
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
