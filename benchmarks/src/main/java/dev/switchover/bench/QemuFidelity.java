package dev.switchover.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * QEMU beside the fidelity matrix ({@code --qemu}): on each link, the QEMU equivalent ({@link
 * QemuWorkload}) of each scenario that has one, at each limit, as rows labelled {@code qemu
 * SCENARIO} and a summary line {@code qemu LINK} against the same targets; the runs are kept
 * apart from Switchover's summaries.
 */
final class QemuFidelity {

    private final Optional<QemuFidelityRun> runner;
    private final long ramBytes;
    private final Duration timeout;
    private final List<RunResult> results = new ArrayList<>();
    private final Set<String> skipped = new HashSet<>();

    private QemuFidelity(Optional<QemuFidelityRun> runner, long ramBytes, Duration timeout) {
        this.runner = runner;
        this.ramBytes = ramBytes;
        this.timeout = timeout;
    }

    /**
     * From {@code --qemu}: {@code off} runs no QEMU; {@code on} or {@code auto} (the default)
     * run {@code qemu-system-x86_64} when it is on the {@code PATH}.
     */
    static QemuFidelity of(String option, long ramBytes, Duration timeout, Path workDir, boolean prealloc) {
        Optional<Path> qemu = option.equals("off") ? Optional.empty() : QemuPair.find();
        if (option.equals("on") && qemu.isEmpty()) {
            System.out.println("QEMU: --qemu on, but no qemu-system-x86_64 on the PATH: not run");
        }
        if (qemu.isPresent() && !QemuPair.canFill(ramBytes)) {
            System.out.println("QEMU: its boot sector can not fill " + ramBytes + " bytes of RAM: not run");
            qemu = Optional.empty();
        }
        return new QemuFidelity(qemu.map(q -> new QemuFidelityRun(q, workDir, prealloc)), ramBytes, timeout);
    }

    /** What {@code --qemu} resolved to, for the heading. */
    String describe() {
        return runner.map(r -> "QEMU " + r.qemu() + " beside").orElse("no QEMU");
    }

    /** Runs, prints and keeps QEMU's rows on {@code link}, then prints their summary. */
    void runOn(EmulatedLink link, List<Scenario> scenarios, long[] limits, int runs) {
        if (runner.isEmpty()) {
            return;
        }
        List<RunResult> onLink = new ArrayList<>();
        for (Scenario s : scenarios) {
            Optional<QemuWorkload> w = QemuWorkload.of(s);
            if (w.isEmpty()) {
                if (skipped.add(s.name())) {
                    System.out.println("qemu " + s.name() + ": no QEMU equivalent here (no emulated VFIO device)");
                }
                continue;
            }
            for (long limit : limits) {
                for (int i = 0; i < runs; i++) {
                    RunResult r = runner.get().run(link, w.get(), ramBytes, limit, timeout);
                    System.out.println(r.line());
                    onLink.add(r);
                }
            }
        }
        System.out.println(FidelitySummary.of("qemu " + link.name(), onLink));
        results.addAll(onLink);
    }

    /** QEMU's summary per link, beside Switchover's. */
    void printSummary() {
        for (String l : results.stream().map(RunResult::link).distinct().toList()) {
            System.out.println(FidelitySummary.of("qemu " + l,
                    results.stream().filter(r -> r.link().equals(l)).toList()));
        }
    }
}
