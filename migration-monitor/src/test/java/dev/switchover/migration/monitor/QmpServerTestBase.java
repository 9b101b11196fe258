package dev.switchover.migration.monitor;

import dev.switchover.testfixtures.FakeMigrationControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A server on a Unix socket in a temporary directory, over a fresh fake machine. */
abstract class QmpServerTestBase {

    @TempDir
    Path dir;

    FakeMigrationControl machine;
    QmpServer server;
    final List<RawQmp> clients = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        machine = new FakeMigrationControl();
        server = configure(QmpServer.builder(machine).unix(dir.resolve("qmp.sock"))).start();
    }

    /** Subclasses may change the defaults. */
    QmpServer.Builder configure(QmpServer.Builder b) {
        return b;
    }

    @AfterEach
    void stopServer() throws IOException {
        for (RawQmp c : clients) {
            c.close();
        }
        server.close();
    }

    SocketAddress address() {
        return server.addresses().getFirst();
    }

    RawQmp connect() throws IOException {
        RawQmp c = RawQmp.connect(address());
        clients.add(c);
        return c;
    }

    RawQmp negotiated() throws Exception {
        RawQmp c = RawQmp.negotiated(address());
        clients.add(c);
        return c;
    }

    /** Waits (bounded, so a bug fails instead of hanging) until {@code condition} holds. */
    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RawQmp.WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }
}
