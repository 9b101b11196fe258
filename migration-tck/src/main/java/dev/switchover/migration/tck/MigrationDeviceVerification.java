package dev.switchover.migration.tck;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.time.Duration;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The conformance kit for one device type: extend it in the device module's tests, fill in the
 * hooks, and JUnit runs one test per {@link Rule}.
 *
 * <pre>{@code
 * class RamDeviceVerificationTest extends MigrationDeviceVerification {
 *     protected MigrationDevice createSourceDevice(DeviceContext ctx) { return new RamDevice(ctx); }
 *     protected Map<String, String> deviceProperties() { return Map.of("size", "256K", "fill", "random"); }
 *     protected void dirty(MigrationDevice device) { ((RamDevice) device).write(4096, (byte) 7); }
 *     protected String providerType() { return "ram"; }
 *     protected Class<? extends MigrationDeviceProvider> providerClass() { return RamDeviceProvider.class; }
 * }
 * }</pre>
 *
 * <h2>How the kit drives a device</h2>
 * Every rule builds fresh devices through the hooks, each in a {@link DeviceFixture} whose run
 * state the kit controls: a source starts {@link RunState#PAUSED}, so a device with a workload is
 * quiescent and only {@link #dirty} changes it; a destination starts {@link RunState#INMIGRATE}.
 * The kit migrates with {@link KitMigration} over in-memory sections, the sequence the core uses.
 * Calls come one at a time, as from the core's migration thread, except in {@link
 * Rule#PENDING04} (see {@link #pauseExactInside}); each runs on a virtual thread of its own
 * while the test thread waits at most {@link #deviceCallTimeout()} for it, so a call that never
 * returns fails the rule, naming the call, instead of hanging the build.
 *
 * <h2>Hooks</h2>
 * Abstract: the device factory, its properties, how to dirty it, and its provider. With defaults:
 * the destination factory, state equality, the framing tolerance, postcopy support, the
 * estimate deadline, and the EXACT pause seam. Hooks are checked too ({@link Rule#VALIDATE01},
 * {@link Rule#VALIDATE02}), so a lenient hook can not make a rule pass vacuously.
 *
 * <p>Every test's failure message starts with the rule id in brackets and ends with what to
 * check; {@link Rule} lists them all.
 *
 * @since 0.1
 */
public abstract class MigrationDeviceVerification {

    /** The device id both the source and the destination get. */
    public static final String DEVICE_ID = "tck0";

    private final Map<MigrationDevice, DeviceFixture> fixtures = new IdentityHashMap<>();

    // ------------------------------------------------------------------ hooks

    /**
     * Creates a fresh device to migrate from. Called once or more per test, each time with a new
     * context holding {@link #deviceProperties()}. Build it the way your provider does (or
     * through the provider); the kit checks the provider separately.
     */
    protected abstract MigrationDevice createSourceDevice(DeviceContext ctx);

    /**
     * Creates a fresh device to migrate into, from the same properties as the source.
     *
     * @implSpec the default calls {@link #createSourceDevice}: most devices are the same type on
     *           both sides
     */
    protected MigrationDevice createDestinationDevice(DeviceContext ctx) {
        return createSourceDevice(ctx);
    }

    /**
     * The device spec's properties, without {@code id}. Keep sizes small (kilobytes) so the whole
     * kit runs in well under a second; the rules do not need big devices. A device that
     * compresses (zero pages) should be filled with incompressible data, or its payload will be
     * smaller than its pending figures and {@link Rule#PENDING02} will rightly say so.
     */
    protected abstract Map<String, String> deviceProperties();

    /**
     * Changes some of the device's migratable state as a running guest would: a write through
     * the device's memory, a register change, a driver state change. Called on the test thread
     * while the source is {@link RunState#PAUSED}; each call must change {@link
     * MigrationDevice#stateDigest()} again (checked by {@link Rule#VALIDATE01}). A device that only
     * changes while running can use {@link #fixtureOf}{@code (device).changeRunState(RUNNING)}
     * and back, as long as the change is done when this method returns.
     */
    protected abstract void dirty(MigrationDevice device);

    /** The type your provider declares ({@link MigrationDeviceProvider#type()}), e.g. {@code ram}. */
    protected abstract String providerType();

    /** Your provider's class, as named in {@code module-info.java}'s {@code provides ... with}. */
    protected abstract Class<? extends MigrationDeviceProvider> providerClass();

    /**
     * Whether two devices hold the same migratable state; called while both are stopped.
     *
     * @implSpec the default compares {@link MigrationDevice#stateDigest()}
     */
    protected boolean stateEquals(MigrationDevice a, MigrationDevice b) {
        return Arrays.equals(a.stateDigest(), b.stateDigest());
    }

    /**
     * How many bytes of record headers and markers the device may write beyond the data it
     * counts as pending, for a section payload of {@code payloadBytes}; also the slack allowed
     * between an ESTIMATE and an EXACT bucket ({@link Rule#PENDING02}, {@link Rule#PENDING03}).
     *
     * @implSpec the default allows 64 bytes plus 1% of {@code payloadBytes}: enough for a 4-byte
     *           header per 4 KiB record and a few section markers, far too little to hide a
     *           double-counted bucket
     */
    protected long framingTolerance(long payloadBytes) {
        return Bytes.saturatingAdd(64, Bytes.nonNegative(payloadBytes) / 100);
    }

    /**
     * Whether the device can send data after the destination started. A device that can is
     * exempt from {@link Rule#PENDING06}.
     *
     * @implSpec the default asks a freshly created source device's {@link
     *           MigrationDevice#supportsPostcopy()}
     */
    protected boolean supportsPostcopy() {
        return newSource().device().supportsPostcopy();
    }

    /**
     * How long an ESTIMATE may take while an EXACT is held up before {@link Rule#PENDING04}
     * calls it blocked. This is a hang detector, not a performance bound: a conforming ESTIMATE
     * returns in microseconds, a blocked one not until the EXACT is released.
     *
     * @implSpec the default is one second
     */
    protected Duration estimateDeadline() {
        return Duration.ofSeconds(1);
    }

    /**
     * How long any one device call may take before the kit calls it hung and fails the rule,
     * naming the call. A hang detector, not a performance bound; every call the kit makes on the
     * device (creation, queries, save and load calls, run state changes, the {@link #dirty} hook)
     * runs under it, so a device that never returns fails instead of hanging the build.
     *
     * @implSpec the default is 30 seconds, or {@code -Dswitchover.tck.call-timeout} (an ISO
     *           duration such as {@code PT5S}, or milliseconds)
     */
    protected Duration deviceCallTimeout() {
        return DeviceCallTimeout.fromProperty();
    }

    /**
     * Installs {@code pause} in {@code device}'s EXACT path, at the point where EXACT holds what
     * it holds (its sync lock, a driver call in flight), and returns {@code true}; return
     * {@code false} (the default) if the device has no such seam.
     *
     * <p>With the seam, {@link Rule#PENDING04} is deterministic: the kit calls EXACT on one
     * thread, waits until it is inside {@code pause}, calls ESTIMATE on another thread and
     * requires it to return within {@link #estimateDeadline()}, then releases the EXACT. The
     * kit's {@code pause} blocks only the first time it runs and never longer than 30 seconds.
     * Without the seam the kit races EXACT against ESTIMATE on two threads instead, which only
     * catches an ESTIMATE that waits on something slow (a driver with real latency).
     *
     * <p>This rule is the one place the kit calls {@code queryPending} from two threads at once:
     * an ESTIMATE that reads only its cache, as the contract requires, is safe there.
     */
    protected boolean pauseExactInside(MigrationDevice device, Runnable pause) {
        return false;
    }

    /**
     * {@return the fixture a device of this test was created in} For {@link #dirty} hooks that
     * need the run state.
     *
     * @throws IllegalArgumentException if the kit did not create {@code device} in this test
     */
    protected final DeviceFixture fixtureOf(MigrationDevice device) {
        synchronized (fixtures) {
            DeviceFixture f = fixtures.get(device);
            if (f == null) {
                throw new IllegalArgumentException("the kit did not create " + device + " in this test");
            }
            return f;
        }
    }

    // ------------------------------------------------------------------ rules

    /** {@link Rule#VALIDATE01}: {@code dirty(device)} changes the device's state, every time. */
    @Test
    public void required_validate01_dirtyChangesState() {
        enforce(Rule.VALIDATE01, () -> HookChecks.dirtyChangesState(this));
    }

    /** {@link Rule#VALIDATE02}: the device reads every property; the hooks return usable values. */
    @Test
    public void required_validate02_propertiesAndHooksAreValid() {
        enforce(Rule.VALIDATE02, () -> HookChecks.propertiesAndHooksAreValid(this));
    }

    /** {@link Rule#PENDING01}: every query answers, in both modes, at every point, never negative. */
    @Test
    public void required_pending01_bucketsAreNonNegative() {
        enforce(Rule.PENDING01, () -> PendingChecks.bucketsAreNonNegative(this));
    }

    /** {@link Rule#PENDING02}: EXACT before setup equals what the device then writes (within framing). */
    @Test
    public void required_pending02_bucketsAreDisjoint_conservation() {
        enforce(Rule.PENDING02, () -> PendingChecks.conservation(this));
    }

    /** {@link Rule#PENDING03}: ESTIMATE and EXACT agree bucket by bucket on a quiescent device. */
    @Test
    public void required_pending03_estimateAndExactMeasureTheSameQuantities() {
        enforce(Rule.PENDING03, () -> PendingChecks.estimateMatchesExact(this));
    }

    /** {@link Rule#PENDING04}: ESTIMATE returns while an EXACT is held up. */
    @Test
    public void required_pending04_estimateDoesNotBlock() {
        enforce(Rule.PENDING04, () -> EstimateBlockingCheck.estimateDoesNotBlock(this));
    }

    /** {@link Rule#PENDING05}: EXACT is zero after {@code saveComplete}. */
    @Test
    public void required_pending05_zeroAfterSaveComplete() {
        enforce(Rule.PENDING05, () -> PendingChecks.zeroAfterSaveComplete(this));
    }

    /** {@link Rule#PENDING06}: no postcopy bytes without postcopy support (skipped for devices with it). */
    @Test
    public void required_pending06_noPostcopyWithoutSupport() {
        enforce(Rule.PENDING06, () -> PendingChecks.noPostcopyWithoutSupport(this));
    }

    /** {@link Rule#PENDING07}: ESTIMATE moves only with what the device sends. */
    @Test
    public void required_pending07_estimateMovesOnlyWithWhatTheDeviceSends() {
        enforce(Rule.PENDING07, () -> EstimateMotionCheck.estimateMovesOnlyWithSends(this));
    }

    /** {@link Rule#LIFE01}: cleanup without setup, twice, on both sides; a migration works after. */
    @Test
    public void required_life01_cleanupWithoutSetup() {
        enforce(Rule.LIFE01, () -> LifecycleChecks.cleanupWithoutSetup(this));
    }

    /** {@link Rule#STATE01}: the destination equals the source after a migration with dirt throughout. */
    @Test
    public void required_state01_roundTrip() {
        enforce(Rule.STATE01, () -> StateChecks.roundTrip(this));
    }

    /** {@link Rule#STATE02}: a sane version range and section name; the current version loads. */
    @Test
    public void required_state02_sectionVersion() {
        enforce(Rule.STATE02, () -> StateChecks.sectionVersion(this));
    }

    /** {@link Rule#PROVIDER01}: ServiceLoader finds exactly one compatible provider of the type. */
    @Test
    public void required_provider01_discoverableUniqueCompatible() {
        enforce(Rule.PROVIDER01, () -> ProviderCheck.discoverableUniqueCompatible(this));
    }

    // ------------------------------------------------------------------ for the checks

    /** A fresh source device, {@link RunState#PAUSED}. */
    final DeviceFixture newSource() {
        return register(DeviceFixture.create(DEVICE_ID, deviceProperties(), RunState.PAUSED, deviceCallTimeout(),
                this::createSourceDevice));
    }

    /** A fresh destination device, {@link RunState#INMIGRATE}. */
    final DeviceFixture newDestination() {
        return register(DeviceFixture.create(DEVICE_ID, deviceProperties(), RunState.INMIGRATE, deviceCallTimeout(),
                this::createDestinationDevice));
    }

    /** Calls the {@link #dirty} hook on {@code f}'s device under the device call timeout. */
    final void dirtyWithin(DeviceFixture f) {
        try {
            f.call("the dirty(device) hook", null, () -> {
                dirty(f.device());
                return null;
            });
        } catch (java.io.IOException e) {
            throw new AssertionError("the dirty(device) hook threw " + e, e);
        }
    }

    private DeviceFixture register(DeviceFixture f) {
        synchronized (fixtures) {
            fixtures.put(f.device(), f);
        }
        return f;
    }

    /**
     * Runs one rule's check and turns any failure into an {@link AssertionError} whose message
     * names the rule the device breaks and what to check: {@code rule}, or the rule a {@link
     * RuleFinding} names (a {@code queryPending} that throws while {@code rule} is checked breaks
     * {@link Rule#PENDING01}), then saying which rule's test found it. An aborted test (the rule
     * does not apply) stays aborted.
     */
    private static void enforce(Rule rule, Runnable check) {
        try {
            check.run();
        } catch (TestAbortedException e) {
            throw e;
        } catch (AssertionError | RuntimeException e) {
            String detail = e instanceof AssertionError && e.getMessage() != null ? e.getMessage() : e.toString();
            Rule broken = e instanceof RuleFinding f && f.rule() != null ? f.rule() : rule;
            if (broken != rule) {
                detail = detail + " (found while checking " + rule.id() + ")";
            }
            throw new AssertionError(broken.message(detail), e);
        }
    }
}
