package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.qapi.QmpJson;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A byte-level QMP test client: writes exactly what the test says and splits what the server
 * sends into {@code \r\n}-terminated lines, keeping events apart from replies. Waits are bounded
 * (10 s) only so that a broken server fails the test instead of hanging it.
 */
final class RawQmp implements AutoCloseable {

    static final long WAIT_SECONDS = 10;
    private static final String EOF = new String("EOF");

    private final SocketChannel channel;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final List<String> protocolViolations = new ArrayList<>();
    private volatile boolean eof;

    private RawQmp(SocketChannel channel, boolean startReading) {
        this.channel = channel;
        if (startReading) {
            Thread.ofVirtual().start(this::readLoop);
        }
    }

    /** Connects and reads in the background. */
    static RawQmp connect(SocketAddress address) throws IOException {
        return new RawQmp(SocketChannel.open(address), true);
    }

    /** Connects with a tiny receive buffer and never reads: a stuck client. */
    static RawQmp connectNotReading(SocketAddress address) throws IOException {
        SocketChannel ch = SocketChannel.open(address instanceof UnixDomainSocketAddress
                ? java.net.StandardProtocolFamily.UNIX : java.net.StandardProtocolFamily.INET);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        ch.connect(address);
        return new RawQmp(ch, false);
    }

    /** Connects, checks the greeting and negotiates. */
    static RawQmp negotiated(SocketAddress address) throws Exception {
        RawQmp c = connect(address);
        c.reply(); // greeting
        ObjectNode r = c.command("{\"execute\": \"qmp_capabilities\"}");
        if (!QmpJson.write(r).equals("{\"return\": {}}")) {
            throw new AssertionError("negotiation failed: " + QmpJson.write(r));
        }
        return c;
    }

    void send(String raw) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(raw.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Sends {@code json} plus a newline and returns the next reply. */
    ObjectNode command(String json) throws Exception {
        send(json + "\n");
        return reply();
    }

    /** The next non-event line, parsed. */
    ObjectNode reply() throws Exception {
        return (ObjectNode) QmpJson.parse(replyLine());
    }

    /** The next non-event line as sent (without its {@code \r\n}). */
    String replyLine() throws InterruptedException {
        return take(replies, "reply");
    }

    /** The next event line as sent. */
    String eventLine() throws InterruptedException {
        return take(events, "event");
    }

    /** Whether an event is waiting right now. */
    boolean hasEvent() {
        return !events.isEmpty();
    }

    /** Waits until the server closed the connection. */
    void awaitClosedByServer() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!eof) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server did not close the connection");
            }
            Thread.sleep(5);
        }
    }

    boolean closedByServer() {
        return eof;
    }

    List<String> protocolViolations() {
        return protocolViolations;
    }

    private String take(BlockingQueue<String> q, String what) throws InterruptedException {
        String s = q.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no " + what + " from the server within " + WAIT_SECONDS + " s");
        }
        if (s == EOF) {
            q.add(EOF);
            throw new AssertionError("the server closed the connection instead of sending a " + what);
        }
        return s;
    }

    private void readLoop() {
        try (InputStream in = new java.io.BufferedInputStream(Channels.newInputStream(channel))) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int prev = -1;
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    if (prev != '\r') {
                        protocolViolations.add("line without \\r\\n: " + line);
                    }
                    byte[] bytes = line.toByteArray();
                    int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    String s = new String(bytes, 0, len, StandardCharsets.UTF_8);
                    (s.contains("\"event\": ") && s.startsWith("{\"timestamp\"") ? events : replies).add(s);
                    line.reset();
                } else {
                    line.write(b);
                }
                prev = b;
            }
        } catch (IOException e) {
            // connection gone: treated as EOF
        } finally {
            eof = true;
            replies.add(EOF);
            events.add(EOF);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
