package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchover.migration.monitor.ParameterSpec.Handling;
import dev.switchover.migration.monitor.ParameterSpec.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.switchover.migration.monitor.ParameterSpec.bool;
import static dev.switchover.migration.monitor.ParameterSpec.number;

/**
 * Every migration parameter of QEMU 11.1's {@code MigrateSetParameters}, in QEMU's order, with
 * QEMU's defaults and checks, followed by Switchover's own {@code x-} ones. The schema of
 * {@code migrate-set-parameters} and {@code query-migrate-parameters} and their handling are all
 * generated from this one list.
 *
 * <p>What Switchover does with each: {@code downtime-limit}, {@code max-bandwidth} and
 * {@code avail-switchover-bandwidth} (and the {@code x-} timeouts) drive the machine; the tunables
 * of features Switchover does not have (auto-converge throttling, xbzrle's cache, COLO's
 * checkpoint delay, multifd's channels and levels, announce timings, dirty limits) are validated,
 * remembered and reported, without effect, since those features can not be turned on; a value
 * that would turn on something Switchover lacks (multifd compression, {@code mode cpr-reboot},
 * {@code direct-io}, bitmap aliases, no zero-page detection) is refused naming it; the TLS
 * parameters name {@code object-add}'s objects ({@link QemuParameters} resolves them).
 */
final class MigrationParameterTable {

    static final String TLS_CREDS = "tls-creds";
    static final String TLS_HOSTNAME = "tls-hostname";
    static final String TLS_AUTHZ = "tls-authz";
    /** The three TLS parameters. */
    static final java.util.Set<String> TLS = java.util.Set.of(TLS_CREDS, TLS_HOSTNAME, TLS_AUTHZ);

    static final QapiType.EnumType MULTIFD_COMPRESSION = new QapiType.EnumType("MultiFDCompression",
            List.of("none", "zlib", "zstd", "qpl", "uadk", "qatzip"));
    static final QapiType.EnumType MIG_MODE = new QapiType.EnumType("MigMode",
            List.of("normal", "cpr-reboot", "cpr-transfer", "cpr-exec"));
    static final QapiType.EnumType ZERO_PAGE_DETECTION = new QapiType.EnumType("ZeroPageDetection",
            List.of("none", "legacy", "multifd"));

    private static final List<ParameterSpec> ALL = build();

    private MigrationParameterTable() {
    }

    /** Every parameter, in QEMU's order, Switchover's {@code x-} ones last. */
    static List<ParameterSpec> all() {
        return ALL;
    }

    static Optional<ParameterSpec> find(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static List<ParameterSpec> build() {
        List<ParameterSpec> p = new ArrayList<>();
        p.add(tunable("announce-initial", Kind.SIZE, 50).range(0, 100_000, "a value between 0 and 100000"));
        p.add(tunable("announce-max", Kind.SIZE, 550).range(0, 100_000, "a value between 0 and 100000"));
        p.add(tunable("announce-rounds", Kind.SIZE, 5).range(0, 1000, "a value between 0 and 1000"));
        p.add(tunable("announce-step", Kind.SIZE, 100).range(1, 10_000, "a value between 0 and 10000"));
        p.add(tunable("throttle-trigger-threshold", Kind.UINT8, 50)
                .range(1, 100, "an integer in the range of 1 to 100"));
        p.add(tunable("cpu-throttle-initial", Kind.UINT8, 20).range(1, 99, "an integer in the range of 1 to 99"));
        p.add(tunable("cpu-throttle-increment", Kind.UINT8, 10).range(1, 99, "an integer in the range of 1 to 99"));
        p.add(ParameterSpec.of("cpu-throttle-tailslow", Kind.BOOL, Handling.TUNABLE, bool(false)));
        p.add(ParameterSpec.of(TLS_CREDS, Kind.STR_OR_NULL, Handling.TLS, TextNode.valueOf("")));
        p.add(ParameterSpec.of(TLS_HOSTNAME, Kind.STR_OR_NULL, Handling.TLS, TextNode.valueOf("")));
        p.add(ParameterSpec.of(TLS_AUTHZ, Kind.STR_OR_NULL, Handling.TLS, TextNode.valueOf("")));
        p.add(ParameterSpec.of("max-bandwidth", Kind.SIZE, Handling.ENGINE, null));
        p.add(ParameterSpec.of("avail-switchover-bandwidth", Kind.SIZE, Handling.ENGINE, null));
        p.add(ParameterSpec.of("downtime-limit", Kind.UINT64, Handling.ENGINE, null)
                .range(0, 2_000_000, "an integer in the range of 0 to (2000 * 1000) ms"));
        p.add(tunable("x-checkpoint-delay", Kind.UINT32, 20_000).features("unstable"));
        p.add(ParameterSpec.of("multifd-channels", Kind.UINT8, Handling.ENGINE, null)
                .range(1, 255, "a value between 1 and 255"));
        p.add(tunable("xbzrle-cache-size", Kind.SIZE, 64L << 20));
        p.add(tunable("max-postcopy-bandwidth", Kind.SIZE, 0));
        p.add(tunable("max-cpu-throttle", Kind.UINT8, 99).range(1, 99, "an integer in the range of 1 to 99"));
        p.add(ParameterSpec.ofEnum("multifd-compression", MULTIFD_COMPRESSION, "none")
                .refusing("multifd compression"));
        p.add(tunable("multifd-zlib-level", Kind.UINT8, 1).range(0, 9, "a value between 0 and 9"));
        p.add(tunable("multifd-zstd-level", Kind.UINT8, 1).range(0, 20, "a value between 0 and 20"));
        p.add(ParameterSpec.of("block-bitmap-mapping", Kind.BITMAP_MAPPING, Handling.DEFAULT_ONLY, null)
                .refusing("block-bitmap-mapping (dirty bitmap aliases)"));
        p.add(tunable("x-vcpu-dirty-limit-period", Kind.UINT64, 1000)
                .range(1, 1000, "a value between 1 and 1000").features("unstable"));
        p.add(tunable("vcpu-dirty-limit", Kind.UINT64, 1)
                .range(1, Long.MAX_VALUE, "a value greater than 1"));
        p.add(ParameterSpec.ofEnum("mode", MIG_MODE, "normal").refusing("migration mode"));
        p.add(ParameterSpec.ofEnum("zero-page-detection", ZERO_PAGE_DETECTION, "multifd")
                .refusing("zero-page-detection other than multifd (Switchover always detects zero pages itself)"));
        p.add(ParameterSpec.of("direct-io", Kind.BOOL, Handling.DEFAULT_ONLY, bool(false))
                .refusing("direct-io (O_DIRECT migration files, with mapped-ram)"));
        p.add(ParameterSpec.of("x-stall-timeout", Kind.INT64, Handling.ENGINE, null)
                .range(Long.MIN_VALUE, Long.MAX_VALUE, "").features("unstable"));
        p.add(ParameterSpec.of("x-switchover-timeout", Kind.INT64, Handling.ENGINE, null)
                .range(Long.MIN_VALUE, Long.MAX_VALUE, "").features("unstable"));
        return List.copyOf(p);
    }

    private static ParameterSpec tunable(String name, Kind kind, long byDefault) {
        return ParameterSpec.of(name, kind, Handling.TUNABLE, number(byDefault));
    }
}
