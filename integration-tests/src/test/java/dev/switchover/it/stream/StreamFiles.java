package dev.switchover.it.stream;

import dev.switchover.device.dirtybitmap.DirtyBitmapProvider;
import dev.switchover.device.ram.RamDeviceProvider;
import dev.switchover.device.s390stattrib.StorageAttributesProvider;
import dev.switchover.device.vfio.VfioDeviceProvider;
import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.core.IncomingMigrationEnd;
import dev.switchover.migration.core.Machine;
import dev.switchover.migration.core.StreamAnalysis;
import dev.switchover.migration.spi.MigrationDeviceProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real {@code file:} streams of every first-party device, made and loaded by machines in this
 * JVM — the seeds of the stream mutation tests. Small on purpose: a save is a few hundred KiB
 * and a load a few milliseconds, so hundreds of mutants load in seconds.
 */
final class StreamFiles {

    /** One device of each first-party type, with content that makes every record kind appear. */
    static final List<String> SOURCE = List.of(
            "ram,id=ram0,size=256K,fill=random,seed=11",
            "vfio,id=vfio0,state-size=96K,precopy-size=32K,seed=5",
            "dirty-bitmap,id=bm0,disk-size=1G,granularity=64K,bitmaps=2",
            "s390-stattrib,id=cmma0,guest-size=64M");
    /** The same devices, empty. */
    static final List<String> DESTINATION = List.of(
            "ram,id=ram0,size=256K",
            "vfio,id=vfio0,state-size=96K,precopy-size=32K,seed=9",
            "dirty-bitmap,id=bm0,disk-size=1G,granularity=64K,bitmaps=2",
            "s390-stattrib,id=cmma0,guest-size=64M");
    private static final List<MigrationDeviceProvider> PROVIDERS = List.of(new RamDeviceProvider(),
            new VfioDeviceProvider(), new DirtyBitmapProvider(), new StorageAttributesProvider());

    /**
     * What loading one stream did.
     *
     * @param status    the destination's final status
     * @param errorDesc its error-desc, or ""
     * @param runState  its run state after the end
     * @param digests   its devices' state digests
     */
    record Load(MigrationStatus status, String errorDesc, RunState runState, Map<String, String> digests) {

        boolean ran() {
            return runState == RunState.RUNNING || runState == RunState.PAUSED && status == MigrationStatus.COMPLETED;
        }
    }

    /**
     * A saved stream and the source's digests at the stop.
     *
     * @param bytes   the stream
     * @param digests the source's devices' digests
     */
    record Saved(byte[] bytes, Map<String, String> digests) {
    }

    private final Path dir;
    private final AtomicInteger files = new AtomicInteger();

    StreamFiles(Path dir) {
        this.dir = dir;
    }

    /** Saves a machine of {@link #SOURCE} to a file and returns the stream. */
    Saved save() throws Exception {
        return save(SOURCE);
    }

    /** Saves a machine of {@code devices} (first-party types) to a file and returns the stream. */
    Saved save(List<String> devices) throws Exception {
        Path file = dir.resolve("source-" + files.incrementAndGet() + ".mig");
        try (Machine src = Machine.builder().providers(PROVIDERS).devices(devices).build()) {
            src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
            src.setCapability(MigrationCapability.EVENTS, true);
            src.setCapability(MigrationCapability.DIRTY_BITMAPS, true); // bitmaps move only with it, as in QEMU
            CompletableFuture<MigrationStatus> end = new CompletableFuture<>();
            src.subscribe(e -> {
                if (e instanceof MachineEvent.Migration m && m.status().isTerminal()) {
                    end.complete(m.status());
                }
            });
            src.migrate("file:" + file);
            MigrationStatus status = end.get();
            if (status != MigrationStatus.COMPLETED) {
                throw new AssertionError("saving the seed stream ended " + status + ": " + src.queryMigrate());
            }
            Saved saved = new Saved(Files.readAllBytes(file), src.stateDigests());
            Files.delete(file);
            return saved;
        }
    }

    /** Loads {@code stream} into a fresh machine of {@link #DESTINATION} and says how it ended. */
    Load load(byte[] stream) throws Exception {
        Path file = write(stream);
        try (Machine dst = Machine.builder().providers(PROVIDERS).devices(DESTINATION).incoming().build()) {
            CompletableFuture<IncomingMigrationEnd> end = new CompletableFuture<>();
            dst.onIncomingMigrationEnd(end::complete);
            dst.migrateIncoming("file:" + file, false);
            MigrationInfo info = end.get().info();
            Load load = new Load(info.status().orElse(MigrationStatus.NONE), info.errorDesc().orElse(""),
                    dst.runState(), dst.stateDigests());
            Files.delete(file);
            return load;
        }
    }

    /** Analyses {@code stream} as {@code switchover analyze} does. */
    StreamAnalysis analyze(byte[] stream) throws IOException {
        Path file = write(stream);
        try {
            return StreamAnalysis.of(file);
        } finally {
            Files.delete(file);
        }
    }

    private Path write(byte[] stream) throws IOException {
        Path file = dir.resolve("mutant-" + files.incrementAndGet() + ".mig");
        Files.write(file, stream);
        return file;
    }

    /** A section's bytes from its type byte to the end of its footer, as {@code [from, to)}. */
    static long[] span(StreamAnalysis.Section s) {
        boolean named = s.kind().equals("START") || s.kind().equals("FULL");
        long header = named ? 1 + 4 + 1 + s.name().getBytes(StandardCharsets.UTF_8).length + 4 + 4 : 1 + 4;
        return new long[] {s.offset(), s.offset() + header + s.size() + 5};
    }

    /** Where a section's payload begins. */
    static long payloadStart(StreamAnalysis.Section s) {
        return span(s)[1] - 5 - s.size();
    }
}
