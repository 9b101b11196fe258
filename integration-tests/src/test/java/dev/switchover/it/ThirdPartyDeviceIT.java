package dev.switchover.it;

import org.junit.jupiter.api.Timeout;
import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.client.MachineProcess;
import dev.switchover.migration.client.QmpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.concurrent.TimeUnit;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A device nobody here wrote: {@code examples/sample-device}, built to a jar against the
 * published api only, composed with the packaged core the two ways a user can — on {@code
 * --module-path}, or dropped into the {@code --plugins} folder of the runtime image's {@code
 * bin/switchover} — and migrated next to a first-party device. Without the jar, the image's
 * {@code switchover run} asked for its type fails and says what is available.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // two or more JVMs: longer than the 60 s default
class ThirdPartyDeviceIT {

    /** The suite's options for short-lived machines (C1 only, the serial collector). */
    private static final List<String> JVM = Machines.QUICK_JVM;
    /** The source receives 20,000 frames a second into a 512 KiB ring while it migrates. */
    private static final String NIC_SOURCE = "example-nic,id=nic0,ring-slots=256,slot-size=2K,rx-rate=20000,seed=7";
    /** The destination's ring starts empty and receives nothing: equal digests mean the state arrived. */
    private static final String NIC_DESTINATION = "example-nic,id=nic0,ring-slots=256,slot-size=2K";
    private static final String RAM_SOURCE = "ram,id=ram0,size=16M,fill=random";
    private static final String RAM_DESTINATION = "ram,id=ram0,size=16M";

    @TempDir
    Path dir;
    private final List<Machine> started = new ArrayList<>();
    private int count;

    private record Machine(MachineProcess process, QmpClient qmp) {
    }

    private static Path exampleJar() {
        String jar = System.getProperty("switchover.example.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property switchover.example.jar must name the example device's jar, "
                    + "not " + jar);
        }
        return Path.of(jar);
    }

    /** Starts {@code java --module-path modulePath -m …} with {@code runArgs}, as an embedder composes it. */
    private Machine start(String modulePath, List<String> runArgs) throws IOException, InterruptedException {
        String name = "m" + count++;
        return connect(MachineProcess.start(modulePath, JVM, withQmp(runArgs, name), dir.resolve(name + ".log"),
                Duration.ofSeconds(60)));
    }

    /** Starts the runtime image's {@code bin/switchover run} with {@code runArgs}, as a user does. */
    private Machine startFromImage(List<String> runArgs) throws IOException, InterruptedException {
        String name = "m" + count++;
        return connect(MachineProcess.start(List.of(Machines.image().resolve("bin/switchover").toString()),
                Map.of("SWITCHOVER_JAVA_OPTS", String.join(" ", JVM)), withQmp(runArgs, name),
                dir.resolve(name + ".log"), Duration.ofSeconds(60)));
    }

    private List<String> withQmp(List<String> runArgs, String name) {
        List<String> args = new ArrayList<>(runArgs);
        args.addAll(List.of("--qmp", "unix:" + dir.resolve(name + ".qmp")));
        return args;
    }

    /** Connects to {@code p}'s monitor and keeps both for {@link #quitAll}; kills {@code p} if it does not answer. */
    private Machine connect(MachineProcess p) throws IOException, InterruptedException {
        QmpClient qmp;
        try {
            qmp = QmpClient.connect(p.qmpAddress());
        } catch (IOException e) {
            p.kill();
            throw e;
        }
        Machine m = new Machine(p, qmp);
        started.add(m);
        return m;
    }

    private static List<String> devices(String... specs) {
        List<String> args = new ArrayList<>();
        for (String s : specs) {
            args.addAll(List.of("--device", s));
        }
        return args;
    }

    private static List<String> incoming(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--incoming", "tcp:127.0.0.1:0"));
        return all;
    }

    /** Asks every machine to {@code quit}, so closing its process does not have to wait for a kill. */
    @AfterEach
    void quitAll() throws InterruptedException {
        for (Machine m : started) {
            try (QmpClient qmp = m.qmp()) {
                qmp.execute("quit");
            } catch (Exception ignored) {
                // best effort: the test already has its verdict, and close() below ends the process anyway
            }
            m.process().close();
        }
    }

    @Test
    void aDeviceJarOnTheModulePathIsDiscoveredMigratedAndVerified() throws Exception {
        String modulePath = Machines.modulePath() + File.pathSeparator + exampleJar();
        Machine dst = start(modulePath, incoming(devices(NIC_DESTINATION, RAM_DESTINATION)));
        Machine src = start(modulePath, devices(NIC_SOURCE, RAM_SOURCE));

        migrateAndVerify(src, dst);
    }

    @Test
    void aDeviceJarInThePluginsFolderIsDiscoveredMigratedAndVerified() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(exampleJar(), plugins.resolve(exampleJar().getFileName()));
        List<String> folder = List.of("--plugins", plugins.toString());
        Machine dst = startFromImage(incoming(concat(devices(NIC_DESTINATION, RAM_DESTINATION), folder)));
        Machine src = startFromImage(concat(devices(NIC_SOURCE, RAM_SOURCE), folder));

        migrateAndVerify(src, dst);
    }

    @Test
    void withoutTheJarTheTypeIsUnknownAndTheMessageListsTheAvailableTypes() throws Exception {
        assertThatThrownBy(() -> startFromImage(devices(NIC_SOURCE, RAM_SOURCE)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exited (code 1) before it was ready");

        assertThat(Files.readAllLines(dir.resolve("m0.log")))
                .contains("switchover: unknown device type 'example-nic'; available: dirty-bitmap, ram, s390-stattrib, vfio");
    }

    private static void migrateAndVerify(Machine src, Machine dst) throws Exception {
        assertThat(src.qmp().queryDevices()).extracting(DeviceReport::id, DeviceReport::type, DeviceReport::section)
                .contains(tuple("nic0", "example-nic", "example-nic"));
        awaitTraffic(src, dst);

        src.qmp().migrate(dst.process().incomingUri());

        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(Machines.awaitEnd(dst.qmp()).status()).contains(MigrationStatus.COMPLETED);
        Map<String, String> digests = src.qmp().stateDigests();
        assertThat(digests).containsOnlyKeys("nic0", "ram0");
        assertThat(dst.qmp().stateDigests()).isEqualTo(digests);
        DeviceReport nic = src.qmp().queryDevices().stream().filter(d -> d.id().equals("nic0")).findFirst().orElseThrow();
        assertThat(nic.bytesSent()).as("at least the whole 512 KiB ring went").isGreaterThanOrEqualTo(256 * 2048);
        assertThat(nic.statistics()).as("a third-party device's own figures reach the host's views unchanged")
                .containsOnlyKeys("rx-packets", "rx-bytes", "rx-dropped");
        assertThat(nic.statistics().get("rx-packets")).isPositive();
    }

    /** Waits (a hang guard) until the source's ring differs from the destination's empty one. */
    private static void awaitTraffic(Machine src, Machine dst) throws Exception {
        String empty = dst.qmp().stateDigests().get("nic0");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (src.qmp().stateDigests().get("nic0").equals(empty)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the source's example-nic received no frame in 30 s");
            }
            Thread.sleep(10);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
