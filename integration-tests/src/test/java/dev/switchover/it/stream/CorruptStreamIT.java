package dev.switchover.it.stream;

import dev.switchover.it.Machines;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real {@code switchover run --incoming defer} process given a corrupt {@code file:} stream
 * with {@code "exit-on-error": false}: the load fails before anything runs, {@code error-desc}
 * names the offset and the section, the process stays up and answers QMP, and the intact
 * stream then loads and runs with the source's state.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // a second JVM: longer than the 60 s default
class CorruptStreamIT {

    private static final String RAM = "ram,id=ram0,size=2M";

    @RegisterExtension
    final Machines machines = new Machines();

    @TempDir
    Path dir;

    @Test
    void aCorruptFileNeverRunsAndTheDestinationStaysUpForTheIntactOne() throws Exception {
        StreamFiles.Saved saved = new StreamFiles(dir).save(List.of(RAM + ",fill=random,seed=4"));
        Path intact = Files.write(dir.resolve("intact.mig"), saved.bytes());
        byte[] corrupt = saved.bytes().clone();
        corrupt[corrupt.length / 2] ^= 0x01; // inside a RAM page: only the checksum can tell
        Path broken = Files.write(dir.resolve("broken.mig"), corrupt);
        var dst = machines.start(List.of("--device", RAM, "--incoming", "defer"));

        dst.qmp().migrateIncoming("file:" + broken, false);
        MigrationInfo failed = Machines.awaitEnd(dst.qmp());
        assertThat(failed.status()).contains(MigrationStatus.FAILED);
        assertThat(failed.errorDesc()).hasValueSatisfying(d -> assertThat(d)
                .containsPattern("corrupt migration stream at offset \\d+: section \\d+ \\('ram' instance 0, \\w+, id 0, "
                        + "device 'ram0'\\)")
                .contains("checksum mismatch (CRC32C)"));
        assertThat(dst.qmp().queryStatus()).isEqualTo(RunState.INTERNAL_ERROR);
        assertThat(dst.process().isAlive()).as("still up").isTrue();

        dst.qmp().migrateIncoming("file:" + intact, false);
        assertThat(Machines.awaitEnd(dst.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
        assertThat(dst.qmp().stateDigests()).isEqualTo(saved.digests());
    }
}
