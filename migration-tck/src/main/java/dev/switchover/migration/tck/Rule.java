package dev.switchover.migration.tck;

/**
 * Every rule {@link MigrationDeviceVerification} checks, with what to look at when it fails.
 *
 * <p>Each rule has exactly one test method, named {@code required_<id>_<what>} (the Reactive
 * Streams TCK's convention), and every failure message starts with {@code [<id>]} and ends with
 * the rule's {@link #check()} text, so a red build says which point of the contract broke and
 * where to look without opening this file.
 *
 * <p>{@code validate} rules check the verification's own hooks, so that a lenient hook can not
 * make the device rules pass vacuously. {@code pending} rules are the points of the pending
 * contract ({@link dev.switchover.migration.spi.MigrationDevice#queryPending}); {@code life},
 * {@code state} and {@code provider} rules cover the rest of the SPI.
 *
 * @since 0.1
 */
public enum Rule {

    /**
     * {@code dirty(device)} changes the device's state (its {@code stateDigest()}).
     *
     * <p>If this test fails, check the verification's {@code dirty} hook: it must change
     * migratable state the way a running guest would, or the round trip proves nothing.
     */
    VALIDATE01("validate01", "dirty() changes the device's state",
            "the verification's dirty(device) hook: it must change migratable state (and so stateDigest()) "
                    + "as a running guest would; a no-op hook makes state01 vacuous"),

    /**
     * The device reads every property the verification passes, and the hooks return usable
     * values.
     *
     * <p>If this test fails, check {@code deviceProperties()} for a misspelt key (the core
     * rejects a spec that names a property the device never read), and that {@code
     * framingTolerance} is not negative and {@code estimateDeadline} is positive.
     */
    VALIDATE02("validate02", "the verification's properties and hooks are valid",
            "deviceProperties() for keys the device does not read (a typo, or a property read lazily after "
                    + "create), framingTolerance() >= 0 and estimateDeadline() > 0"),

    /**
     * {@code queryPending} answers in both modes at every point of a migration, and never with
     * a negative bucket.
     *
     * <p>{@link dev.switchover.migration.api.Pending} rejects negative components, so a device
     * whose arithmetic goes below zero throws {@link IllegalArgumentException} from
     * {@code queryPending}. If this test fails, check every subtraction in the device's pending
     * arithmetic: use {@code Bytes.saturatingSub}, and count as "sent" only payload bytes that
     * were counted as pending (not headers and markers). A {@code queryPending} that throws,
     * returns {@code null} or does not return within the device call timeout breaks this rule
     * wherever the kit meets it, and is filed under it.
     */
    PENDING01("pending01", "buckets are non-negative",
            "every subtraction in the pending arithmetic (use Bytes.saturatingSub / Bytes.nonNegative), and "
                    + "that bytes counted as sent are the bytes counted as pending (not record headers); "
                    + "queryPending must answer, never null, in both modes before setup, during, after complete "
                    + "and after cleanup, and return within the kit's device call timeout"),

    /**
     * Buckets are disjoint, checked by conservation: on a quiescent device the EXACT total
     * before setup equals the payload the device then writes, within {@code framingTolerance}.
     *
     * <p>If this test fails, check for a byte counted in two buckets (VFIO's stop-copy size
     * includes the pre-copy data: report {@code stopcopy = stop_size - precopy}), or for data
     * the device sends but reports in no bucket.
     */
    PENDING02("pending02", "buckets are disjoint (conservation)",
            "for bytes counted twice (a stop-copy size that already includes the pre-copy data must have the "
                    + "pre-copy part subtracted) or bytes sent but reported in no bucket; on a device that "
                    + "compresses (zero pages), fill its state with incompressible data in deviceProperties()"),

    /**
     * ESTIMATE and EXACT report the same quantities: on a quiescent device, each bucket of an
     * ESTIMATE matches the EXACT taken at the same point, within {@code framingTolerance}.
     *
     * <p>If this test fails, check that ESTIMATE is EXACT's cached figures minus what was sent
     * since, bucket by bucket, and not a different measure (QEMU's VFIO estimated pre-copy bytes
     * only while its exact query returned the whole stop-copy size).
     */
    PENDING03("pending03", "ESTIMATE and EXACT measure the same quantities",
            "that ESTIMATE returns EXACT's cached buckets minus what was sent since, bucket by bucket, not a "
                    + "different measure (QEMU's old VFIO: estimate = pre-copy bytes only, exact = whole "
                    + "stop-copy size)"),

    /**
     * ESTIMATE does not block: it returns within {@code estimateDeadline} while an EXACT query
     * is held up inside the device.
     *
     * <p>If this test fails, check what ESTIMATE waits for: it must read cached figures
     * (volatile or atomic fields) and never take the lock EXACT holds while it syncs a dirty log
     * or calls a driver.
     */
    PENDING04("pending04", "ESTIMATE does not block",
            "what ESTIMATE waits for: it must read cached figures (volatile/atomic fields) and never take a "
                    + "lock that EXACT, a driver call or a running workload holds, nor do device I/O"),

    /**
     * After {@code saveComplete}, EXACT reports zero in every bucket.
     *
     * <p>If this test fails, check that {@code saveComplete} sends everything left, including
     * stop-copy data, and that the figures drop what it sent (a cached driver size that is
     * never refreshed keeps reporting stop-copy bytes).
     */
    PENDING05("pending05", "zero after saveComplete",
            "that saveComplete sends everything left, stop-copy data included, and that the pending figures "
                    + "drop what it sent (no stale cached driver size)"),

    /**
     * A device without postcopy support reports no postcopy bytes, whether or not the
     * migration enables postcopy.
     *
     * <p>If this test fails, check that the device files its iterable data under pre-copy
     * unless it {@code supportsPostcopy()}, even when {@code SaveOptions.postcopy()} is on.
     */
    PENDING06("pending06", "no postcopy bytes without postcopy support",
            "that a device whose supportsPostcopy() is false files iterable data under pre-copy even when "
                    + "SaveOptions.postcopy() is on, and that the supportsPostcopy() hook agrees with the device"),

    /**
     * An ESTIMATE moves only with what the device sends: two ESTIMATEs with nothing in between
     * agree; a {@code saveIterate} leaves the stop-copy bucket as it was, even when it sends dirt
     * the last EXACT did not see; on a quiescent device it never makes the total grow, nor shrink
     * by more than it sent.
     *
     * <p>If this test fails, check what the estimate subtracts: only bytes that came out of the
     * bucket they were counted in (QEMU-style VFIO took every byte it read out of its cached
     * stop-copy length, dirt it read beyond its pre-copy figures included, so a running device's
     * stop-copy estimate shrank below what the stop-copy would really send).
     *
     * @since 1.2
     */
    PENDING07("pending07", "ESTIMATE moves only with what the device sends",
            "what ESTIMATE subtracts after a send: only bytes out of the bucket they were counted in (pre-copy data "
                    + "read beyond the last EXACT's figures is new dirt, never stop-copy data), and that nothing but a "
                    + "send or an EXACT changes the cached figures"),

    /**
     * {@code saveCleanup} may be called without {@code saveSetup}, and twice; {@code
     * loadCleanup} likewise without {@code loadSetup}; a migration works afterwards.
     *
     * <p>If this test fails, check {@code saveCleanup}/{@code loadCleanup} for state that only
     * setup creates (null buffers, unregistered listeners) and that they must not throw.
     */
    LIFE01("life01", "cleanup without setup, idempotent",
            "saveCleanup()/loadCleanup() for state only setup creates (null buffers, listeners not "
                    + "registered); they must not throw, must be idempotent, and must leave the device ready for "
                    + "a new migration"),

    /**
     * Source to destination round trip: with state dirtied before setup, between iterations
     * and right before the stop, the destination ends up equal to the source, and every
     * section is read exactly to its end.
     *
     * <p>If this test fails, check that {@code saveComplete} sends everything still dirty (not
     * only stop-copy data), that {@code loadSection} reads every record, and that {@code
     * stateDigest()} covers migratable state only.
     */
    STATE01("state01", "source to destination round trip",
            "that saveComplete sends everything still dirty (dirt after the last iteration too), that "
                    + "loadSection applies every record and reads exactly what the save call wrote, and that "
                    + "stateDigest()/stateEquals cover migratable state only"),

    /**
     * Section version handling: {@code 0 <= minimumSectionVersion() <= sectionVersion()}, both
     * devices agree on the section name and version, and a payload loads at {@code
     * sectionVersion()}.
     *
     * <p>The core, not the device, refuses a stream outside the range before calling {@code
     * loadSection}; so the kit checks the range the core relies on. If this test fails, check
     * {@code sectionVersion()}, {@code minimumSectionVersion()} and {@code sectionName()}.
     */
    STATE02("state02", "section version handling",
            "sectionVersion() and minimumSectionVersion() (0 <= minimum <= current; the core refuses streams "
                    + "outside that range for you) and sectionName() (non-empty, at most 255 bytes, the same on "
                    + "both sides)"),

    /**
     * The provider is discoverable through {@link java.util.ServiceLoader} by its type name,
     * unique, of the expected class, built against an api version this api hosts, and reports
     * the version it was compiled against.
     *
     * <p>If this test fails, check the device module's {@code module-info.java} ({@code provides
     * dev.switchover.migration.spi.MigrationDeviceProvider with ...}), {@code type()} and {@code
     * apiVersion()}: {@code return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR)}, never
     * {@code ApiVersion.runtime()}.
     */
    PROVIDER01("provider01", "provider is discoverable, unique and compatible",
            "module-info.java says 'provides dev.switchover.migration.spi.MigrationDeviceProvider with <your "
                    + "provider>' (META-INF/services on the class path), that type() is unique and lower case, "
                    + "that apiVersion() returns new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR) compiled "
                    + "against the api it runs with (never ApiVersion.runtime()), and that create() builds a device");

    private final String id;
    private final String title;
    private final String check;

    Rule(String id, String title, String check) {
        this.id = id;
        this.title = title;
        this.check = check;
    }

    /** {@return the rule id, e.g. {@code pending03}; the test method is {@code required_<id>_...}} */
    public String id() {
        return id;
    }

    /** {@return what the rule requires, in a few words} */
    public String title() {
        return title;
    }

    /** {@return what to look at when the rule fails} */
    public String check() {
        return check;
    }

    /** {@return the failure message for {@code detail}: rule id, title, detail and what to check} */
    public String message(String detail) {
        return "[" + id + "] " + title + ": " + detail + " -- if this fails, check " + check;
    }
}
