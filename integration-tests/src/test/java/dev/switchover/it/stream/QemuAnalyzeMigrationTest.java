package dev.switchover.it.stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * QEMU's own reader, {@code scripts/analyze-migration.py}, reads Switchover streams: run
 * unmodified from {@code ../shared/reference/qemu-tools/} (next to the repository; never copied
 * into it) on a {@code file:} stream, it dumps every section and extracts RAM ({@code -x}) whose
 * SHA-256 equals the source's RAM digest. Skipped, saying why, where Python 3 or the script is
 * not on the machine.
 *
 * <p>The script has a bug of its own (its README): its storage-attribute reader raises "Unknown
 * flags" on the {@code STATTR_FLAG_MORE} records QEMU itself writes. So the RAM-only stream goes
 * through the unmodified script, and the RAM + storage-attributes stream through a temporary
 * copy with exactly the README's one-line fix ({@code elif flags & self.STATTR_FLAG_MORE: pass}
 * before that {@code raise}), written to this test's temporary folder.
 */
class QemuAnalyzeMigrationTest {

    private static final Path SCRIPT = Path.of("..", "..", "shared", "reference", "qemu-tools", "analyze-migration.py")
            .toAbsolutePath().normalize();
    private static final String RAM = "ram,id=ram0,size=1M,fill=random,seed=21";
    private static final String STATTRIB = "s390-stattrib,id=cmma0,guest-size=64M";

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPythonAndTheScript() {
        assumeTrue(Files.isRegularFile(SCRIPT), "QEMU's analyze-migration.py is not at " + SCRIPT);
        assumeTrue(python("--version"), "python3 is not on the PATH");
    }

    @Test
    void theUnmodifiedScriptDumpsARamStreamAndExtractsTheSourcesRam() throws Exception {
        StreamFiles.Saved saved = new StreamFiles(dir).save(List.of(RAM));
        Path stream = Files.write(dir.resolve("ram.mig"), saved.bytes());

        String state = run(SCRIPT, dir, "-f", stream.toString(), "-d", "state");
        assertThat(state).contains("\"ram (0)\"", "\"pc.ram\": \"0x0000000000100000\"", "switchover/manifest");
        assertThat(run(SCRIPT, dir, "-x", "-f", stream.toString())).contains("pc.ram", "state.json");
        assertThat(sha256(dir.resolve("pc.ram"))).isEqualTo(saved.digests().get("ram0"));
    }

    @Test
    void theScriptWithItsReadmesFixReadsRamAndStorageAttributes() throws Exception {
        StreamFiles.Saved saved = new StreamFiles(dir).save(List.of(RAM, STATTRIB));
        Path stream = Files.write(dir.resolve("ram-stattrib.mig"), saved.bytes());
        Path fixed = withTheReadmesFix(dir.resolve("analyze-migration-fixed.py"));

        String state = run(fixed, dir, "-f", stream.toString(), "-d", "state");
        assertThat(state).contains("\"ram (0)\"", "\"s390-storage_attributes (1)\"");
        run(fixed, dir, "-x", "-f", stream.toString());
        assertThat(sha256(dir.resolve("pc.ram"))).isEqualTo(saved.digests().get("ram0"));
    }

    /** A copy of the script with the one line its README gives, before its "Unknown flags" raise. */
    private static Path withTheReadmesFix(Path copy) throws IOException {
        String script = Files.readString(SCRIPT, StandardCharsets.UTF_8);
        String raise = "                raise Exception(\"Unknown flags %x\", flags)";
        assertThat(script).as("the script still has the line the README's fix goes before").contains(raise);
        String fixed = script.replace("            else:\n                # No EOS came after DONE",
                "            elif flags & self.STATTR_FLAG_MORE:\n                pass\n"
                        + "            else:\n                # No EOS came after DONE");
        assertThat(fixed).isNotEqualTo(script);
        return Files.writeString(copy, fixed, StandardCharsets.UTF_8);
    }

    private static boolean python(String... args) {
        try {
            Process p = new ProcessBuilder(command("python3", args)).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String run(Path script, Path cwd, String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = script.toString();
        System.arraycopy(args, 0, all, 1, args.length);
        Process p = new ProcessBuilder(command("python3", all)).directory(cwd.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("analyze-migration.py %s:%n%s", String.join(" ", args),
                out.length() > 4000 ? out.substring(out.length() - 4000) : out).isZero();
        return out;
    }

    private static List<String> command(String program, String... args) {
        java.util.ArrayList<String> c = new java.util.ArrayList<>(List.of(program));
        c.addAll(List.of(args));
        return c;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
