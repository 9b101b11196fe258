package dev.switchover.migration.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.core.StreamAnalysis;
import dev.switchover.migration.qapi.MalformedJsonException;
import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.qapi.VmStateDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code switchover analyze FILE [--json]}: what a migration stream file holds and whether it
 * is valid, without loading it ({@link StreamAnalysis}). A QEMU stream's device sections are
 * walked with its own VM description ({@link VmStateDescription}).
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Reads a migration stream file — a Switchover stream or a QEMU one — and lists its sections "
                + "(name, instance, version, kind, offset, size, checksum status), its RAM blocks with page counts "
                + "and totals, checking it as a destination would before running it.",
                "Exits 0 for a valid stream, 1 for a broken one (the offset and the reason on stderr) or a file it "
                        + "cannot read."})
final class AnalyzeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The stream, as written by migrate file:PATH (or QEMU's exec:cat).")
    Path file;

    @Option(names = "--json", description = "Print the analysis as one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file)) {
            err.println("switchover analyze: " + file + " is not a file");
            return ExitCodes.FAILED;
        }
        StreamAnalysis analysis;
        try {
            analysis = StreamAnalysis.of(file, walker(file));
        } catch (IOException e) {
            err.println("switchover analyze: cannot read " + file + ": " + Main.oneLine(e));
            return ExitCodes.FAILED;
        }
        out.print(json ? QmpJson.write(toJson(analysis)) + System.lineSeparator() : AnalysisTable.render(analysis));
        out.flush();
        analysis.problem().ifPresent(p -> err.println("switchover analyze: " + file + " is broken at offset "
                + p.offset() + ": " + p.reason()));
        return analysis.valid() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Walks QEMU's device sections by the stream's own VM description, if it has one. */
    private static StreamAnalysis.PayloadWalker walker(Path file) throws IOException {
        Optional<String> description = StreamAnalysis.vmDescription(file);
        if (description.isEmpty()) {
            return StreamAnalysis.PayloadWalker.NONE;
        }
        try {
            VmStateDescription layouts = VmStateDescription.parse(description.get());
            return (name, instance, version, first, payload) -> layouts.walk(name, instance, payload);
        } catch (MalformedJsonException e) {
            return StreamAnalysis.PayloadWalker.NONE;
        }
    }

    static ObjectNode toJson(StreamAnalysis a) {
        ObjectNode root = QmpJson.object();
        root.put("file-format", a.format());
        a.machineType().ifPresent(t -> root.put("machine-type", t));
        root.put("bytes", a.bytes());
        root.put("valid", a.valid());
        ArrayNode sections = root.putArray("sections");
        long payload = 0;
        for (StreamAnalysis.Section s : a.sections()) {
            sections.addObject().put("index", s.index()).put("name", s.name()).put("instance", s.instance())
                    .put("version", s.version()).put("kind", s.kind()).put("section-id", s.sectionId())
                    .put("offset", s.offset()).put("size", s.size()).put("checksum", s.checksum().text());
            payload += s.size();
        }
        ArrayNode blocks = root.putArray("ram-blocks");
        for (StreamAnalysis.RamBlock b : a.ramBlocks()) {
            blocks.addObject().put("name", b.name()).put("length", b.length()).put("zero-pages", b.zeroPages())
                    .put("normal-pages", b.normalPages());
        }
        root.putObject("totals").put("sections", a.sections().size()).put("payload-bytes", payload)
                .put("ram-pages", a.ramBlocks().stream().mapToLong(b -> b.zeroPages() + b.normalPages()).sum());
        a.problem().ifPresent(p -> root.putObject("error").put("offset", p.offset()).put("reason", p.reason()));
        return root;
    }

    /** The human-readable form. */
    static final class AnalysisTable {
        private AnalysisTable() {
        }

        static String render(StreamAnalysis a) {
            StringBuilder sb = new StringBuilder();
            sb.append(a.format()).append(" stream").append(a.machineType().map(t -> ", machine type '" + t + "'")
                    .orElse("")).append(", ").append(a.bytes()).append(" bytes: ")
                    .append(a.valid() ? "valid" : "BROKEN").append(System.lineSeparator());
            sb.append(String.format("%5s %10s  %-28s %4s %4s %-5s %4s %10s  %s%n", "#", "offset", "section", "inst",
                    "ver", "kind", "id", "size", "checksum"));
            long payload = 0;
            for (StreamAnalysis.Section s : a.sections()) {
                sb.append(String.format("%5d %10d  %-28s %4d %4d %-5s %4d %10d  %s%n", s.index(), s.offset(),
                        s.name(), s.instance(), s.version(), s.kind(), s.sectionId(), s.size(), s.checksum().text()));
                payload += s.size();
            }
            if (!a.ramBlocks().isEmpty()) {
                sb.append("RAM blocks:").append(System.lineSeparator());
                for (StreamAnalysis.RamBlock b : a.ramBlocks()) {
                    sb.append(String.format("  %-28s %10s  %d pages (%d zero, %d normal)%n", b.name(),
                            ByteSize.format(b.length()), b.zeroPages() + b.normalPages(), b.zeroPages(),
                            b.normalPages()));
                }
            }
            sb.append("totals: ").append(a.sections().size()).append(" sections, ").append(payload)
                    .append(" payload bytes").append(System.lineSeparator());
            a.problem().ifPresent(p -> sb.append("broken at offset ").append(p.offset()).append(": ")
                    .append(p.reason()).append(System.lineSeparator()));
            return sb.toString();
        }
    }
}
