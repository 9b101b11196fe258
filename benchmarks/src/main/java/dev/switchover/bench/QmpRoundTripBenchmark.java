package dev.switchover.bench;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.core.Machine;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.monitor.QmpServer;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code query-migrate} round trip from a {@link QmpClient} to a {@link QmpServer} over a
 * Unix socket in the same JVM, on an idle machine: the request path's own latency (thread
 * hand-offs on both sides, JSON, the socket), sampled so JMH reports its percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class QmpRoundTripBenchmark {

    private Path dir;
    private Machine machine;
    private QmpServer server;
    private QmpClient client;

    @Setup
    public void setup() throws Exception {
        dir = Files.createTempDirectory("qmp-bench");
        machine = Machine.builder()
                .providers(List.of(new FixedDeviceProvider()))
                .device("fixed,id=dev0")
                .build();
        Path socket = dir.resolve("qmp.sock");
        server = QmpServer.builder(machine).unix(socket).start();
        client = QmpClient.connect("unix:" + socket);
    }

    @TearDown
    public void tearDown() throws Exception {
        client.close();
        server.close();
        machine.close();
        Files.deleteIfExists(dir.resolve("qmp.sock"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public MigrationInfo queryMigrate() throws Exception {
        return client.queryMigrate();
    }

    /** Provides {@link PendingQueryBenchmark.FixedDevice}s as type {@code fixed}. */
    static final class FixedDeviceProvider implements MigrationDeviceProvider {
        @Override
        public String type() {
            return "fixed";
        }

        @Override
        public ApiVersion apiVersion() {
            return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
        }

        @Override
        public MigrationDevice create(DeviceContext context) {
            return new PendingQueryBenchmark.FixedDevice();
        }
    }
}
