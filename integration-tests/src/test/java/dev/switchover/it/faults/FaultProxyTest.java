package dev.switchover.it.faults;

import dev.switchover.it.faults.FaultProxy.Direction;
import dev.switchover.it.faults.FaultProxy.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy over plain loopback sockets: transparent until told, then each fault as a peer sees it. */
class FaultProxyTest {

    private ServerSocket target;
    private FaultProxy proxy;
    private Socket client;
    private Socket server;

    @BeforeEach
    void connect() throws IOException, InterruptedException {
        target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        proxy = FaultProxy.to(new InetSocketAddress(InetAddress.getLoopbackAddress(), target.getLocalPort()));
        client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        server = target.accept();
        client.setSoTimeout(10_000);
        server.setSoTimeout(10_000);
        waitFor(() -> proxy.openConnections() == 1);
    }

    @AfterEach
    void close() throws IOException {
        proxy.close();
        client.close();
        server.close();
        target.close();
    }

    @Test
    void forwardsBothDirectionsAndCountsTheBytes() throws IOException {
        byte[] up = bytes(100_000, 1);
        client.getOutputStream().write(up);
        assertThat(server.getInputStream().readNBytes(up.length)).isEqualTo(up);
        server.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("pong");

        assertThat(proxy.forwarded(Direction.UPSTREAM)).isEqualTo(100_000);
        assertThat(proxy.forwarded(Direction.DOWNSTREAM)).isEqualTo(4);
        assertThat(proxy.hasFired()).isFalse();
        assertThat(proxy.uri()).isEqualTo("tcp:127.0.0.1:" + proxy.port());
    }

    @Test
    void anOrderlyEndIsPassedOn() throws IOException {
        client.getOutputStream().write(7);
        client.shutdownOutput();
        InputStream in = server.getInputStream();
        assertThat(in.read()).isEqualTo(7);
        assertThat(in.read()).isEqualTo(-1);
        server.getOutputStream().write(9); // the other direction still works
        assertThat(client.getInputStream().read()).isEqualTo(9);
    }

    @Test
    void aConnectionEndedByBothPeersIsReleased() throws Exception {
        client.shutdownOutput();
        server.shutdownOutput();
        assertThat(server.getInputStream().read()).isEqualTo(-1);
        assertThat(client.getInputStream().read()).isEqualTo(-1);
        waitFor(() -> proxy.openConnections() == 0);
    }

    @Test
    void cutsUpstreamAfterExactlyNBytesByClosingBothSides() throws Exception {
        proxy.at(Direction.UPSTREAM).afterBytes(1000).then(Fault.CLOSE);
        client.getOutputStream().write(bytes(5000, 2));

        byte[] got = server.getInputStream().readAllBytes();

        assertThat(got).isEqualTo(Arrays.copyOf(bytes(5000, 2), 1000));
        proxy.awaitFired();
        assertThat(client.getInputStream().read()).as("the client reads the end too").isEqualTo(-1);
    }

    @Test
    void resetsBothSides() throws Exception {
        proxy.at(Direction.UPSTREAM).afterBytes(10).then(Fault.RESET);
        client.getOutputStream().write(bytes(10, 3));
        assertThat(server.getInputStream().readNBytes(10)).isEqualTo(bytes(10, 3));
        proxy.awaitFired();

        assertThatThrownBy(() -> server.getInputStream().read()).isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
        assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
    }

    @Test
    void blackholesOneDirectionSilentlyWhileTheOtherFlows() throws Exception {
        proxy.inject(Fault.BLACKHOLE, Direction.DOWNSTREAM);
        server.getOutputStream().write(bytes(3000, 4));
        client.getOutputStream().write(bytes(20, 5));

        assertThat(server.getInputStream().readNBytes(20)).isEqualTo(bytes(20, 5));
        waitFor(() -> proxy.dropped(Direction.DOWNSTREAM) == 3000);
        client.setSoTimeout(300);
        assertThatThrownBy(() -> client.getInputStream().read()).as("nothing arrives, nothing fails")
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(server.isClosed()).isFalse();
        assertThat(proxy.forwarded(Direction.DOWNSTREAM)).isZero();
    }

    @Test
    void blackholesDownstreamAfterAPatternUpstream() throws Exception {
        byte[] marker = "LOADED".getBytes(StandardCharsets.US_ASCII);
        proxy.at(Direction.DOWNSTREAM).afterPattern(marker, 2).then(Fault.BLACKHOLE);
        OutputStream out = server.getOutputStream();
        out.write("xxLOAD".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        waitFor(() -> proxy.forwarded(Direction.DOWNSTREAM) == 6);
        out.write("EDyyLOADEDzz".getBytes(StandardCharsets.US_ASCII)); // the 2nd occurrence ends at "LOADED"
        out.write("after".getBytes(StandardCharsets.US_ASCII));

        byte[] got = client.getInputStream().readNBytes(16);

        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("xxLOADEDyyLOADED");
        proxy.awaitFired();
        waitFor(() -> proxy.dropped(Direction.DOWNSTREAM) == 7);
    }

    @Test
    void blackholesDownstreamJustBeforeAPatternSoThePatternItselfIsLost() throws Exception {
        byte[] loaded = {0x7f, 0x02, 0x00, 0x00};
        proxy.at(Direction.DOWNSTREAM).beforePattern(loaded, 1).then(Fault.BLACKHOLE);
        OutputStream out = server.getOutputStream();
        out.write(new byte[]{0, 2, 0, 4, 0, 0, 0, 1}); // a PONG, then LOADED in the same write
        out.write(loaded);
        out.flush();

        byte[] got = client.getInputStream().readNBytes(8);

        assertThat(got).containsExactly(0, 2, 0, 4, 0, 0, 0, 1);
        proxy.awaitFired();
        waitFor(() -> proxy.dropped(Direction.DOWNSTREAM) == 4);
        assertThat(proxy.forwarded(Direction.DOWNSTREAM)).isEqualTo(8);
    }

    @Test
    void blackholesTheReturnPathAfterItsSecondMessageEvenWhenMessagesSpanReads() throws Exception {
        proxy.at(Direction.DOWNSTREAM).afterMessages(FaultProxy.Framing.RETURN_PATH, 2).then(Fault.BLACKHOLE);
        byte[] pong = {0, 2, 0, 4, 0, 0, 0, 1}; // QEMU's return path: be16 type (PONG), be16 length, body
        byte[] shut = {0, 1, 0, 4, 0, 0, 0, 0};
        OutputStream out = server.getOutputStream();
        out.write(pong, 0, 3); // a header split across reads
        out.flush();
        waitFor(() -> proxy.forwarded(Direction.DOWNSTREAM) == 3);
        out.write(pong, 3, 5);
        out.write(shut);
        out.write(pong); // the third message: dropped
        out.flush();

        assertThat(client.getInputStream().readNBytes(16)).isEqualTo(concat(pong, shut));
        proxy.awaitFired();
        waitFor(() -> proxy.dropped(Direction.DOWNSTREAM) == 8);
        assertThat(proxy.forwarded(Direction.DOWNSTREAM)).isEqualTo(16);
        client.getOutputStream().write(1); // the other direction still flows
        assertThat(server.getInputStream().read()).isEqualTo(1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void aStalledDirectionBlocksItsSenderAndTheOtherStillFlows() throws Exception {
        proxy.inject(Fault.STALL, Direction.UPSTREAM);
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            try {
                client.getOutputStream().write(new byte[64 << 20]); // more than any socket buffer
            } catch (IOException e) {
                // the proxy closed at the end of the test
            }
        });
        server.getOutputStream().write(1);
        assertThat(client.getInputStream().read()).isEqualTo(1);
        Thread.sleep(200);
        assertThat(writer.isAlive()).as("the sender is blocked, not failed").isTrue();
        assertThat(proxy.forwarded(Direction.UPSTREAM)).isZero();
        proxy.close();
        client.close();
        writer.join(); // the test's timeout bounds this
        assertThat(writer.isAlive()).isFalse();
    }

    @Test
    void aFaultThatFiredStaysInForceForLaterConnectionsUntilHealed() throws Exception {
        proxy.inject(Fault.CLOSE, Direction.UPSTREAM);
        assertThat(client.getInputStream().read()).isEqualTo(-1);

        try (Socket again = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
             Socket accepted = target.accept()) {
            again.setSoTimeout(10_000);
            assertThat(again.getInputStream().read()).as("the link is still down").isEqualTo(-1);
        }
        proxy.heal();
        try (Socket healed = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
             Socket accepted = target.accept()) {
            healed.getOutputStream().write(42);
            accepted.setSoTimeout(10_000);
            assertThat(accepted.getInputStream().read()).isEqualTo(42);
        }
    }

    @Test
    void closeEndsEveryConnectionAndRefusesNewOnes() throws Exception {
        proxy.close();

        assertThat(client.getInputStream().read()).isEqualTo(-1);
        assertThat(server.getInputStream().read()).isEqualTo(-1);
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), proxy.port()).close())
                .isInstanceOf(IOException.class);
        assertThat(proxy.openConnections()).isZero();
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
        try (FaultProxy one = FaultProxy.to(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                target.getLocalPort()), 1);
             Socket first = new Socket(InetAddress.getLoopbackAddress(), one.port());
             Socket firstAccepted = target.accept();
             Socket second = new Socket(InetAddress.getLoopbackAddress(), one.port())) {
            second.setSoTimeout(10_000);
            assertThat(second.getInputStream().read()).isEqualTo(-1);
            first.getOutputStream().write(5);
            firstAccepted.setSoTimeout(10_000);
            assertThat(firstAccepted.getInputStream().read()).isEqualTo(5);
        }
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) { // the test's timeout bounds this wait
            Thread.sleep(5);
        }
    }
}
