package dev.switchover.it.faults;

import org.junit.jupiter.api.Timeout;
import dev.switchover.device.ram.RamDeviceProvider;
import dev.switchover.it.faults.FaultPoint.Side;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.core.Machine;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static dev.switchover.it.faults.FaultBehaviour.ABSURD_FIGURES;
import static dev.switchover.it.faults.FaultBehaviour.HANGS;
import static dev.switchover.it.faults.FaultBehaviour.RETURNS_GARBAGE;
import static dev.switchover.it.faults.FaultBehaviour.THROWS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fault injection into real RAM devices, with Byte Buddy: every device call a migration makes
 * ({@link FaultPoint}) × every way of misbehaving ({@link FaultBehaviour}), between two machines
 * in this JVM over loopback TCP.
 *
 * <p>Each machine has two RAM devices, {@code ram0} and {@code ram1}; only {@code ram1}
 * misbehaves, so an error that merely says "a device failed" would not pass. Every case must end
 * as a clean failed migration:
 * <ul>
 *   <li>the source's status is {@code failed} and its {@code error-desc} names {@code ram1} and
 *       the call (for garbage the destination detects, the section its stream checks caught it
 *       in, relayed as "the destination failed to load the state: …");
 *   <li>the source runs again (after a fault at {@code saveComplete} it had been stopped) and
 *       its state digest is the one from before the migration (the devices have no workload, so
 *       a running source holds still);
 *   <li>the destination failed too and never ran;
 *   <li>a hang is cut off by the core's watchdog after the device-call timeout (1 s here), even
 *       though the hung call ignores the watchdog's interrupt; until the test lets the call
 *       return, the machine refuses a new migration, naming the device and the call;
 *   <li>then a migration without the fault, to a fresh destination, completes with equal state.
 * </ul>
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // two or more JVMs: longer than the 60 s default
class DeviceFaultIT {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String FAULTY = "ram1";
    /** Seeded random contents, so equal digests prove every page arrived; 32 MiB gives ram1 four PART sections. */
    private static final List<String> SOURCE = List.of("ram,id=ram0,size=8M,fill=random,seed=11",
            "ram,id=ram1,size=32M,fill=random,seed=12");
    private static final List<String> DESTINATION = List.of("ram,id=ram0,size=8M", "ram,id=ram1,size=32M");

    private final List<Machine> machines = new ArrayList<>();
    private final List<FaultInjector> injectors = new ArrayList<>();

    @AfterEach
    void tearDown() {
        injectors.forEach(FaultInjector::release); // no hung call outlives its test
        machines.forEach(Machine::close);
    }

    static Stream<Arguments> matrix() {
        return Arrays.stream(FaultPoint.values())
                .flatMap(p -> Stream.of(THROWS, HANGS, RETURNS_GARBAGE).map(b -> Arguments.of(p, b)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("matrix")
    void endsAsACleanFailedMigration(FaultPoint point, FaultBehaviour behaviour) throws Exception {
        FaultyDeviceProvider faulty = new FaultyDeviceProvider(new RamDeviceProvider(), new Fault(FAULTY, point, behaviour));
        boolean onSource = point.side() == Side.SOURCE;
        Machine src = machine(onSource ? faulty : new RamDeviceProvider(), SOURCE, false);
        Machine dst = machine(onSource ? new RamDeviceProvider() : faulty, DESTINATION, true);
        FaultInjector injector = faulty.injector();
        injectors.add(injector);
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        Map<String, String> before = src.stateDigests();

        dst.migrateIncoming("tcp:127.0.0.1:0");
        src.migrate(dst.incomingUri());
        MigrationInfo info = awaitEnd(src);
        MigrationInfo dstInfo = awaitEnd(dst);
        record(point + " " + behaviour, info);

        String call = reportedCall(point, behaviour);
        assertThat(injector.hits()).as("the fault struck exactly once").isEqualTo(1);
        assertThat(info.status()).contains(MigrationStatus.FAILED);
        assertThat(info.errorDesc()).hasValueSatisfying(desc -> {
            assertThat(desc).contains("device '" + FAULTY + "'", call);
            if (behaviour == HANGS) {
                assertThat(desc).contains("device 'ram1' did not return from " + call + " within 1000 ms");
            }
            if (detectedByDestination(point, behaviour)) {
                assertThat(desc).startsWith("the destination failed to load the state: ");
            }
        });
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
        assertThat(src.stateDigests()).isEqualTo(before);
        assertThat(dstInfo.status()).contains(MigrationStatus.FAILED);
        assertThat(dst.runState()).isEqualTo(RunState.INTERNAL_ERROR);

        if (behaviour == HANGS) {
            assertThat(injector.interruptedWhileHanging()).as("the watchdog interrupted the hung call").isTrue();
            Machine stuck = onSource ? src : dst;
            assertThatThrownBy(() -> startAnotherMigration(stuck))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("device 'ram1' has not returned from " + call);
            injector.release();
        }

        Machine dst2 = machine(new RamDeviceProvider(), DESTINATION, true);
        dst2.migrateIncoming("tcp:127.0.0.1:0");
        migrateOnceAccepted(src, dst2.incomingUri());
        assertThat(awaitEnd(src).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst2.stateDigests()).isEqualTo(before);
    }

    /**
     * Garbage the core is designed to survive: from its second EXACT answer on, {@code ram1}
     * adds 4 EiB of stop-copy data. The core keeps the sums saturated, names the device and its
     * figures in {@code x-clamped-devices}, and — since that much can never be sent within the
     * downtime limit — never switches over; cancelling leaves the source as it was.
     */
    @Test
    void queryPendingReturningAbsurdFiguresIsClampedAndNamedNotFatal() throws Exception {
        FaultyDeviceProvider faulty = new FaultyDeviceProvider(new RamDeviceProvider(),
                new Fault(FAULTY, FaultPoint.QUERY_PENDING_EXACT, ABSURD_FIGURES));
        Machine src = machine(faulty, SOURCE, false);
        Machine dst = machine(new RamDeviceProvider(), DESTINATION, true);
        injectors.add(faulty.injector());
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        Map<String, String> before = src.stateDigests();

        dst.migrateIncoming("tcp:127.0.0.1:0");
        src.migrate(dst.incomingUri());
        MigrationInfo seen = await(src, i -> isOver(i) || i.clampedDevices().stream().anyMatch(c -> c.startsWith("ram1: ")));

        assertThat(seen.status()).contains(MigrationStatus.ACTIVE);
        assertThat(seen.clampedDevices()).anySatisfy(c -> assertThat(c).startsWith("ram1: reported implausible figures"));
        assertThat(seen.remaining().orElseThrow()).isGreaterThanOrEqualTo(FaultInjector.ABSURD_BYTES);
        assertThat(seen.devicePending().get("ram1").stopcopy()).isGreaterThanOrEqualTo(FaultInjector.ABSURD_BYTES);
        assertThat(seen.devicePending().get("ram0").stopcopy()).isZero();
        // never a figure that fits: at most the limit itself, which QEMU reports until it has a figure
        seen.expectedDowntime().ifPresent(ms -> assertThat(ms).isGreaterThanOrEqualTo(src.parameters().downtimeLimitMs()));

        src.migrateCancel();
        MigrationInfo end = awaitEnd(src);
        record("queryPending(EXACT) " + ABSURD_FIGURES + ", then cancelled", end);
        assertThat(end.status()).contains(MigrationStatus.CANCELLED);
        assertThat(faulty.injector().hits()).isPositive();
        assertThat(src.runState()).isEqualTo(RunState.RUNNING);
        assertThat(src.stateDigests()).isEqualTo(before);
        assertThat(awaitEnd(dst).status()).contains(MigrationStatus.FAILED);
        assertThat(dst.runState()).isEqualTo(RunState.INTERNAL_ERROR);
    }

    /** The call the error must name: where the fault was, or where the destination caught its garbage. */
    private static String reportedCall(FaultPoint point, FaultBehaviour behaviour) {
        if (behaviour != RETURNS_GARBAGE) {
            return point.call();
        }
        return switch (point) {
            // the destination's stream checks name the section it caught the garbage in
            case SAVE_SETUP -> "'ram' instance 1, START";
            case SAVE_ITERATE, LOAD_SECTION -> "'ram' instance 1, PART";
            case SAVE_COMPLETE -> "'ram' instance 1, END";
            case QUERY_PENDING_EXACT -> "queryPending(EXACT)";
        };
    }

    private static boolean detectedByDestination(FaultPoint point, FaultBehaviour behaviour) {
        return point.side() == Side.DESTINATION
                || (behaviour == RETURNS_GARBAGE && point != FaultPoint.QUERY_PENDING_EXACT);
    }

    private Machine machine(MigrationDeviceProvider provider, List<String> devices, boolean incoming) {
        Machine.Builder b = Machine.builder().providers(List.of(provider)).devices(devices)
                .deviceCallTimeout(CALL_TIMEOUT);
        if (incoming) {
            b.incoming();
        }
        Machine m = b.build();
        machines.add(m);
        return m;
    }

    /** What a management client would try next on the machine whose device is stuck. */
    private static void startAnotherMigration(Machine stuck) {
        if (stuck.runState() == RunState.INMIGRATE || stuck.runState() == RunState.INTERNAL_ERROR) {
            stuck.migrateIncoming("tcp:127.0.0.1:0");
        } else {
            stuck.migrate("tcp:127.0.0.1:9");
        }
    }

    /** Migrates as soon as the machine accepts: a released call settles its device on its own thread. */
    private static void migrateOnceAccepted(Machine src, String uri) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                src.migrate(uri);
                return;
            } catch (IllegalStateException e) {
                if (!e.getMessage().contains("has not returned from") || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    private static boolean isOver(MigrationInfo i) {
        return i.status().map(s -> s.isTerminal() && s != MigrationStatus.NONE).orElse(false);
    }

    private static MigrationInfo awaitEnd(Machine m) throws InterruptedException {
        return await(m, DeviceFaultIT::isOver);
    }

    private static MigrationInfo await(Machine m, Predicate<MigrationInfo> done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        MigrationInfo info = m.queryMigrate();
        while (!done.test(info)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting after " + PATIENCE.toSeconds() + " s; last reply " + info);
            }
            Thread.sleep(5);
            info = m.queryMigrate();
        }
        return info;
    }

    /** One line per case in the test's output file, for the record of what each fault led to. */
    private static void record(String fault, MigrationInfo info) {
        System.out.println("fault: " + fault + " -> " + info.status().map(MigrationStatus::qmpName).orElse("none")
                + info.errorDesc().map(d -> "; error-desc: " + d).orElse(""));
    }
}
