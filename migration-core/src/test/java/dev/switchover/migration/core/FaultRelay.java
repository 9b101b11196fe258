package dev.switchover.migration.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * A loopback TCP relay for one migration connection that injects one fault: when a direction
 * carries a byte pattern (or a byte count), it forwards up to (or through) it and then either
 * blackholes the link (stops reading and forwarding both ways, sockets left open: the peers'
 * writes back up, nothing arrives) or cuts it (closes both connections).
 */
final class FaultRelay implements AutoCloseable {

    enum Direction { STREAM, RETURN_PATH }

    enum Action { BLACKHOLE, CUT }

    /** LOADED on the return path: type 0x7f02, length 0. */
    static final byte[] LOADED = {0x7f, 0x02, 0, 0};
    /** COMMIT in the stream: 0x08, command 0x7f01, length 0. */
    static final byte[] COMMIT = {0x08, 0x7f, 0x01, 0, 0};

    private final ServerSocket server;
    private final int targetPort;
    private final Direction direction;
    private final byte[] pattern;
    private final long afterBytes;
    private final boolean forwardPattern;
    private final Action action;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean triggered;

    private FaultRelay(int targetPort, Direction direction, byte[] pattern, long afterBytes, boolean forwardPattern,
                       Action action) throws IOException {
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.direction = direction;
        this.pattern = pattern;
        this.afterBytes = afterBytes;
        this.forwardPattern = forwardPattern;
        this.action = action;
        Thread.ofPlatform().daemon().name("relay-accept").start(this::acceptOne);
    }

    /** The migration stream's magic: on the wire only when the stream is not encrypted. */
    static final byte[] STREAM_MAGIC = "QEVM".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Cuts the link if the stream's magic crosses it in plain text ({@link #triggered} then says so). */
    static FaultRelay cutOnPlaintext(int targetPort) throws IOException {
        return onPattern(targetPort, Direction.STREAM, STREAM_MAGIC, false, Action.CUT);
    }

    /** The fault strikes when {@code direction} carries {@code pattern}, forwarded first or not. */
    static FaultRelay onPattern(int targetPort, Direction direction, byte[] pattern, boolean forwardPattern,
                                Action action) throws IOException {
        return new FaultRelay(targetPort, direction, pattern, -1, forwardPattern, action);
    }

    /** The fault strikes once {@code direction} carried {@code bytes} bytes. */
    static FaultRelay afterBytes(int targetPort, Direction direction, long bytes, Action action) throws IOException {
        return new FaultRelay(targetPort, direction, null, bytes, true, action);
    }

    String uri() {
        return "tcp:127.0.0.1:" + server.getLocalPort();
    }

    boolean triggered() {
        return triggered;
    }

    private void acceptOne() {
        try {
            Socket src = server.accept();
            Socket dst = new Socket(InetAddress.getLoopbackAddress(), targetPort);
            sockets.add(src);
            sockets.add(dst);
            Thread.ofPlatform().daemon().name("relay-stream").start(() -> pump(src, dst, Direction.STREAM));
            Thread.ofPlatform().daemon().name("relay-return").start(() -> pump(dst, src, Direction.RETURN_PATH));
        } catch (IOException e) {
            // closed
        }
    }

    private void pump(Socket from, Socket to, Direction d) {
        byte[] buf = new byte[64 << 10];
        byte[] window = new byte[pattern == null ? 0 : pattern.length];
        long total = 0;
        try {
            InputStream in = from.getInputStream(); // never closed here: closing a socket's stream closes the socket
            OutputStream out = to.getOutputStream();
            while (!triggered) {
                int n = in.read(buf);
                if (triggered) {
                    return; // a blackhole passes nothing more, not even an end of stream
                }
                if (n < 0) {
                    to.shutdownOutput();
                    return;
                }
                int forward = n;
                boolean strike = false;
                if (d == direction && pattern != null) {
                    for (int i = 0; i < n && !strike; i++) {
                        System.arraycopy(window, 1, window, 0, window.length - 1);
                        window[window.length - 1] = buf[i];
                        if (Arrays.equals(window, pattern)) {
                            strike = true;
                            forward = forwardPattern ? i + 1 : Math.max(0, i + 1 - pattern.length);
                        }
                    }
                } else if (d == direction && afterBytes >= 0 && total + n >= afterBytes) {
                    strike = true;
                    forward = (int) Math.max(0, afterBytes - total);
                }
                total += n;
                if (strike) {
                    triggered = true; // before forwarding: the other direction must not pass the answer to it
                }
                out.write(buf, 0, forward);
                out.flush();
                if (strike) {
                    if (action == Action.CUT) {
                        closeSockets();
                    }
                    return;
                }
            }
        } catch (IOException e) {
            if (!triggered || action == Action.CUT) {
                closeSockets();
            }
        }
    }

    private void closeSockets() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        closeSockets();
    }
}
