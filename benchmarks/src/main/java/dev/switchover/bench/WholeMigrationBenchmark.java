package dev.switchover.bench;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.core.Machine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Locale;

/**
 * Whole-migration throughput beside the raw loopback TCP limit, measured in the same run on the
 * same machine, so the ratio means something whatever the hardware.
 *
 * <ol>
 *   <li>raw loopback: one thread writes {@code --bytes} through a TCP socket in 4 MiB buffers,
 *       another drains it; best of three runs;
 *   <li>a migration of a machine with {@code --size} of RAM filled with random (non-zero) bytes,
 *       idle, unlimited bandwidth, source and destination in this JVM over loopback TCP; best of
 *       three runs;
 *   <li>a migration of an all-zero machine of {@code --zero-size}.
 * </ol>
 * Run: {@code java -p distribution/target/mods --add-modules ALL-MODULE-PATH -cp benchmarks/target/classes
 * dev.switchover.bench.WholeMigrationBenchmark [--size 1G] [--zero-size 4G]}
 */
public final class WholeMigrationBenchmark {

    private WholeMigrationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long size = ByteSize.parse(arg(args, "--size", "1G"));
        long zeroSize = ByteSize.parse(arg(args, "--zero-size", "4G"));
        int runs = Integer.parseInt(arg(args, "--runs", "3"));
        System.out.printf(Locale.ROOT, "JVM %s, %d cores%n", Runtime.version(), Runtime.getRuntime().availableProcessors());

        double raw = 0;
        for (int i = 0; i < runs; i++) {
            raw = Math.max(raw, rawLoopback(size));
        }
        System.out.printf(Locale.ROOT, "raw loopback TCP:            %8.1f MiB/s  (%s, best of %d)%n",
                raw / (1 << 20), ByteSize.format(size), runs);

        Result best = null;
        for (int i = 0; i < runs; i++) {
            Result r = migrate(size, "random");
            if (best == null || r.bytesPerSecond() > best.bytesPerSecond()) {
                best = r;
            }
        }
        System.out.printf(Locale.ROOT, "migration, random contents:  %8.1f MiB/s  (%s in %d ms, downtime %d ms, %.0f %% of raw)%n",
                best.bytesPerSecond() / (1 << 20), ByteSize.format(best.bytes), best.millis, best.downtimeMs,
                100.0 * best.bytesPerSecond() / raw);

        Result zero = migrate(zeroSize, "zero");
        System.out.printf(Locale.ROOT, "migration, all-zero %s:   %8d ms total  (%s on the wire, downtime %d ms)%n",
                ByteSize.format(zeroSize), zero.millis, ByteSize.format(zero.bytes), zero.downtimeMs);
    }

    private record Result(long bytes, long millis, long downtimeMs) {
        double bytesPerSecond() {
            return bytes * 1000.0 / Math.max(1, millis);
        }
    }

    /** Bytes per second through one loopback TCP connection. */
    static double rawLoopback(long bytes) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Thread reader = Thread.ofPlatform().start(() -> {
                try (SocketChannel in = server.accept()) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
                    while (in.read(buf) >= 0) {
                        buf.clear();
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            long t0 = System.nanoTime();
            try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
                out.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20);
                long left = bytes;
                while (left > 0) {
                    buf.clear().limit((int) Math.min(buf.capacity(), left));
                    while (buf.hasRemaining()) {
                        left -= out.write(buf);
                    }
                }
            }
            reader.join();
            return bytes * 1e9 / (System.nanoTime() - t0);
        }
    }

    static Result migrate(long size, String fill) throws Exception {
        String spec = "ram,id=ram0,size=" + size + ",fill=" + fill;
        try (Machine dst = Machine.builder().device(spec).incoming().build();
             Machine src = Machine.builder().device(spec).build()) {
            src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0).withDowntimeLimitMs(300));
            dst.migrateIncoming("tcp:127.0.0.1:0");
            String uri = dst.incomingUri();
            long t0 = System.nanoTime();
            src.migrate(uri);
            MigrationInfo info;
            while (true) {
                info = src.queryMigrate();
                MigrationStatus s = info.status().orElseThrow();
                if (s.isTerminal()) {
                    break;
                }
                Thread.sleep(2);
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            if (info.status().orElseThrow() != MigrationStatus.COMPLETED) {
                throw new IllegalStateException("migration did not complete: " + info);
            }
            long bytes = info.ram().orElseThrow().transferred();
            if (!src.stateDigests().equals(dst.stateDigests())) {
                throw new IllegalStateException("destination memory differs from the source's");
            }
            return new Result(bytes, millis, info.downtime().orElse(-1));
        }
    }

    /** The value after {@code name} in {@code args}, or {@code def}. */
    static String arg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }
}
