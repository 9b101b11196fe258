package dev.switchover.migration.cli;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.client.advisor.AdvisorDecision;
import dev.switchover.migration.client.advisor.AdvisorSettings;
import dev.switchover.migration.client.advisor.ConvergenceAdvisor;
import dev.switchover.migration.client.advisor.DeviceHolding;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code switchover migrate}: a management client. It connects to the source's and the
 * destination's QMP monitors, checks that the destination waits for a migration, sets the
 * parameters asked for, starts the migration and shows it until it ends; with
 * {@code --max-downtime} a {@link ConvergenceAdvisor} watches every pass and raises
 * {@code downtime-limit} when the migration stalls, or gives up (cancelling it) when even the
 * maximum can not fit what is left, naming the devices that hold it.
 *
 * <p>Exit codes as {@link ExitCodes}: 0 completed (and the destination reports it), 1 failed,
 * cancelled or a monitor unreachable, 2 bad usage, 3 can not converge within {@code
 * --max-downtime}, 130 interrupted. Ctrl-C says it cancels, cancels the running migration, reports
 * its final state and exits, as {@code virsh migrate} cancels on SIGINT.
 *
 * <p>Option values are validated here rather than by picocli converters so that a bad value is
 * one line on stderr (picocli's own handler follows its message with the whole usage).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Migrate a running machine to a destination waiting with --incoming, through their QMP "
                + "monitors, and show the migration until it ends.",
                "With --max-downtime, a convergence advisor raises downtime-limit when the migration stalls (up to "
                        + "that maximum), or cancels it and names the devices holding the data when even the "
                        + "maximum can not fit them."})
final class MigrateCommand implements Callable<Integer> {

    private static final int EXIT_FAILED = ExitCodes.FAILED;
    private static final int EXIT_USAGE = ExitCodes.USAGE;
    private static final int EXIT_CANNOT_CONVERGE = ExitCodes.CANNOT_CONVERGE;
    private static final long POLL_MILLIS = 250;
    private static final long DESTINATION_WAIT_MILLIS = 60_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--source", paramLabel = "ADDRESS",
            description = "QMP monitor of the running machine: unix:PATH or tcp:HOST:PORT (required).")
    String source;

    @Option(names = "--destination", paramLabel = "ADDRESS",
            description = "QMP monitor of the machine waiting with --incoming (required).")
    String destination;

    @Option(names = "--tls-creds-dir", paramLabel = "DIR",
            description = "For monitors with tls-creds: QEMU's client files in DIR (ca-cert.pem; client-cert.pem and "
                    + "client-key.pem when the monitors verify their peers); QMP then runs inside TLS 1.3.")
    java.nio.file.Path tlsCredsDir;

    @Option(names = "--uri", paramLabel = "URI",
            description = "Where the destination listens: the incoming= address it printed when it became ready, "
                    + "e.g. tcp:127.0.0.1:4444 (required: a monitor does not report it).")
    String uri;

    @Option(names = "--max-downtime", paramLabel = "DURATION",
            description = "Run the convergence advisor: let it raise downtime-limit up to this (e.g. 2s, 500ms) "
                    + "when the migration stalls.")
    String maxDowntime;

    @Option(names = "--downtime-limit", paramLabel = "DURATION",
            description = "Set downtime-limit before starting (a bare number is ms).")
    String downtimeLimit;

    @Option(names = "--max-bandwidth", paramLabel = "SIZE",
            description = "Set max-bandwidth in bytes/s before starting (e.g. 256M; 0 = unlimited).")
    String maxBandwidth;

    @Option(names = "--avail-switchover-bandwidth", paramLabel = "SIZE",
            description = "Set avail-switchover-bandwidth in bytes/s before starting (0 = measure the link).")
    String availSwitchoverBandwidth;

    @Option(names = "--margin", paramLabel = "FACTOR",
            description = "The advisor's head-room over expected-downtime (default: 1.25).")
    String margin;

    @Option(names = "--stall-passes", paramLabel = "N",
            description = "Passes without 5 %% progress that make a stall for the advisor (default: 3).")
    String stallPasses;

    @Option(names = "--no-cancel",
            description = "When the advisor finds the migration can not converge, leave it running (exit 3 anyway).")
    boolean noCancel;

    @Option(names = "--no-progress", description = "Print no progress, only advisor decisions and the outcome.")
    boolean noProgress;

    @Option(names = "--json", description = "For scripts: no progress; advisor decisions and errors on stderr; "
            + "the outcome as one JSON object on stdout (status, exit-code, total-time, downtime, "
            + "predicted-downtime, downtime-limit, transferred, error-desc).")
    boolean json;

    /** The validated command line. */
    private record Request(String source, String destination, String uri, Map<String, Long> parameters,
                           Optional<AdvisorSettings> advisor) {
    }

    @Override
    public Integer call() throws Exception {
        Request request;
        try {
            request = request();
        } catch (IllegalArgumentException e) {
            return usageError(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        QmpClient src;
        QmpClient dst;
        try {
            src = connect(request.source(), "source");
        } catch (IllegalArgumentException e) {
            return usageError(e.getMessage());
        }
        try {
            dst = connect(request.destination(), "destination");
        } catch (IllegalArgumentException | IOException e) {
            src.close();
            if (e instanceof IOException io) {
                throw io;
            }
            return usageError(e.getMessage());
        }
        try (src; dst) {
            RunState dstState = dst.queryStatus();
            if (dstState != RunState.INMIGRATE) {
                return error("the destination " + request.destination() + " is not waiting for a migration (its status is "
                        + dstState.qmpName() + "); start it with --incoming", EXIT_FAILED);
            }
            if (src.queryMigrate().status().map(MigrationStatus::isRunning).orElse(false)) {
                return error("the source " + request.source() + " is already migrating", EXIT_FAILED);
            }
            if (!request.parameters().isEmpty()) {
                src.execute("migrate-set-parameters", request.parameters());
            }
            Queue<AdvisorDecision> decisions = new ConcurrentLinkedQueue<>();
            ConvergenceAdvisor advisor = null;
            if (request.advisor().isPresent()) {
                src.setCapability(MigrationCapability.EVENTS, true);
                advisor = ConvergenceAdvisor.start(src, request.advisor().get(), decisions::add);
            }
            try (CancelOnInterrupt guard = new CancelOnInterrupt(src, spec.commandLine().getErr())) {
                src.migrate(request.uri());
                ProgressDisplay display = ProgressDisplay.of(json ? spec.commandLine().getErr() : out, isTerminal(),
                        noProgress || json);
                MigrationInfo end = watch(src, advisor, display, decisions);
                guard.disarm();
                if (advisor != null) {
                    advisor.close();
                    advisor.awaitFinished(5, TimeUnit.SECONDS);
                    print(display, decisions);
                }
                int code = outcome(end, advisor, src, dst, out);
                if (json) {
                    out.println(OutcomeJson.of(end, code, src.queryParameters().downtimeLimitMs()));
                    out.flush();
                }
                return code;
            } finally {
                if (advisor != null) {
                    advisor.close();
                }
            }
        }
    }

    /** Shows the migration until it ends, or until the advisor gives up on one it leaves running. */
    private static MigrationInfo watch(QmpClient src, ConvergenceAdvisor advisor, ProgressDisplay display,
                                       Queue<AdvisorDecision> decisions) throws Exception {
        boolean toldFailure = false;
        while (true) {
            MigrationInfo info = src.queryMigrate();
            print(display, decisions);
            if (advisor != null && !toldFailure && advisor.failure().isPresent()) {
                toldFailure = true;
                display.note("advisor: stopped advising: " + advisor.failure().get().getMessage());
            }
            MigrationStatus status = info.status().orElse(MigrationStatus.NONE);
            boolean ended = status.isTerminal() && status != MigrationStatus.NONE;
            if (ended || (advisor != null && advisor.verdict().isPresent())) { // --no-cancel: it runs on, we are done
                display.last(info, display.wantsInfoMigrate() ? src.humanMonitorCommand("info migrate") : null);
                return info;
            }
            display.show(info, display.wantsInfoMigrate() ? src.humanMonitorCommand("info migrate") : null,
                    System.nanoTime());
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static void print(ProgressDisplay display, Queue<AdvisorDecision> decisions) {
        for (AdvisorDecision d = decisions.poll(); d != null; d = decisions.poll()) {
            display.note("advisor: " + d.describe());
        }
    }

    private int outcome(MigrationInfo end, ConvergenceAdvisor advisor, QmpClient sq, QmpClient dst, PrintWriter out)
            throws IOException, QmpException, InterruptedException {
        Optional<AdvisorDecision.CannotConverge> verdict = advisor == null ? Optional.empty() : advisor.verdict();
        MigrationStatus status = end.status().orElse(MigrationStatus.NONE);
        if (verdict.isPresent() && status != MigrationStatus.COMPLETED) {
            AdvisorDecision.CannotConverge v = verdict.get();
            String who = v.holders().isEmpty() ? "" : "; held by " + v.holders().stream()
                    .map(DeviceHolding::describe).collect(Collectors.joining(", "));
            String what = noCancel ? "the migration was left running"
                    : "the migration was cancelled; the machine keeps running on the source";
            return error("cannot converge within --max-downtime " + v.maxDowntimeMs() + " ms: expected downtime is "
                    + v.expectedDowntimeMs() + " ms" + who + "; " + what, EXIT_CANNOT_CONVERGE);
        }
        if (status != MigrationStatus.COMPLETED) {
            return error("migration " + status.qmpName() + end.errorDesc().map(e -> ": " + e).orElse(""), EXIT_FAILED);
        }
        MigrationInfo arrived = awaitDestination(dst);
        if (arrived.status().orElse(MigrationStatus.NONE) != MigrationStatus.COMPLETED) {
            return error("the source completed but the destination reports "
                    + arrived.status().map(MigrationStatus::qmpName).orElse("nothing")
                    + arrived.errorDesc().map(e -> ": " + e).orElse(""), EXIT_FAILED);
        }
        long transferred = end.ram().map(MigrationRamStats::transferred).orElse(0L);
        PrintWriter summary = json ? spec.commandLine().getErr() : out; // stdout carries only the JSON
        summary.println("migration completed in " + end.totalTime().orElse(0) + " ms: downtime "
                + end.downtime().orElse(0) + " ms" + predicted(end.predictedDowntime()) + ", transferred "
                + ByteSize.format(transferred) + "; the destination runs");
        downtimeVerdict(sq).ifPresent(summary::println);
        summary.flush();
        return ExitCodes.OK;
    }

    /**
     * "warning: downtime 266 ms EXCEEDED downtime-limit 100 ms (predicted 100 ms): stop 1, ..." when
     * the switchover took longer than its limit; empty when it kept it or the report can not be had.
     */
    private static java.util.Optional<String> downtimeVerdict(QmpClient sq) throws InterruptedException {
        try {
            var report = dev.switchover.migration.report.MigrationReportJson.parse(sq.migrationReport());
            return report.downtimeExceededLimit()
                    ? java.util.Optional.of("warning: " + dev.switchover.migration.report.DowntimeBreakdownJson.verdict(report))
                    : java.util.Optional.empty();
        } catch (IOException | QmpException | IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static String predicted(OptionalLong p) {
        return p.isPresent() ? " (predicted " + p.getAsLong() + " ms)" : "";
    }

    private static MigrationInfo awaitDestination(QmpClient dst) throws IOException, QmpException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DESTINATION_WAIT_MILLIS);
        MigrationInfo info = dst.queryMigrate();
        while (!info.status().map(s -> s.isTerminal() && s != MigrationStatus.NONE).orElse(false)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
            info = dst.queryMigrate();
        }
        return info;
    }

    private Request request() {
        String src = required(source, "--source");
        String dst = required(destination, "--destination");
        String target = required(uri, "--uri (the destination's incoming= address; a monitor does not report it)");
        Map<String, Long> parameters = new LinkedHashMap<>();
        long maxLimit = MigrationParameters.MAX_DOWNTIME_LIMIT_MS;
        if (downtimeLimit != null) {
            parameters.put("downtime-limit", Millis.parse(downtimeLimit, "--downtime-limit", 0, maxLimit));
        }
        if (maxBandwidth != null) {
            parameters.put("max-bandwidth", size(maxBandwidth, "--max-bandwidth"));
        }
        if (availSwitchoverBandwidth != null) {
            parameters.put("avail-switchover-bandwidth", size(availSwitchoverBandwidth, "--avail-switchover-bandwidth"));
        }
        if (maxDowntime == null) {
            if (margin != null || stallPasses != null || noCancel) {
                throw new IllegalArgumentException("--margin, --stall-passes and --no-cancel tune the advisor; "
                        + "give --max-downtime to run it");
            }
            return new Request(src, dst, target, parameters, Optional.empty());
        }
        long max = Millis.parse(maxDowntime, "--max-downtime", 1, maxLimit);
        Long limit = parameters.get("downtime-limit");
        if (limit != null && limit > max) {
            throw new IllegalArgumentException("--downtime-limit " + limit + " ms is above --max-downtime " + max + " ms");
        }
        AdvisorSettings settings = AdvisorSettings.withMaxDowntime(max).withCancelWhenImpossible(!noCancel);
        try {
            if (margin != null) {
                settings = settings.withMargin(number(margin));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--margin: " + e.getMessage(), e);
        }
        try {
            if (stallPasses != null) {
                settings = settings.withStallPasses(integer(stallPasses));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--stall-passes: " + e.getMessage(), e);
        }
        return new Request(src, dst, target, parameters, Optional.of(settings));
    }

    private static String required(String value, String option) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + option);
        }
        return value;
    }

    private static long size(String text, String option) {
        try {
            return ByteSize.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }

    private static double number(String text) {
        try {
            double v = Double.parseDouble(text.strip());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number");
        }
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
    }

    private QmpClient connect(String address, String role) throws IOException {
        try {
            return tlsCredsDir == null ? QmpClient.connect(address) : QmpClient.connect(address,
                    QmpClient.DEFAULT_TIMEOUT, dev.switchover.migration.monitor.TlsCredentialsDirectory.client(tlsCredsDir));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + role + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("the " + role + " monitor: " + e.getMessage(), e);
        }
    }

    private int usageError(String message) {
        return error(message + " (see switchover migrate --help)", EXIT_USAGE);
    }

    private int error(String message, int code) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("switchover migrate: " + message);
        err.flush();
        return code;
    }

    private static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }
}
