package dev.switchover.it.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fault-injecting TCP proxy for tests: listens on loopback, forwards every connection to a
 * target, counts the bytes of each direction, and on command — or when a direction reaches a byte
 * count or carries a byte pattern — breaks the link the way networks break:
 *
 * <ul>
 *   <li>{@link Fault#CLOSE}: both sides closed (each peer reads EOF);
 *   <li>{@link Fault#RESET}: both sides reset ({@code SO_LINGER 0}: each peer gets a
 *       connection reset);
 *   <li>{@link Fault#BLACKHOLE}: one direction is silently dropped — the proxy keeps reading it
 *       and discards the bytes, both sockets stay open, nothing signals an error;
 *   <li>{@link Fault#STALL}: one direction stops moving — the proxy stops reading it, so the
 *       sender's writes block once the socket buffers are full; both sockets stay open.
 * </ul>
 *
 * <p>Directions are named from the client's side: {@link Direction#UPSTREAM} is client → target
 * (in a migration, the source's stream to the destination), {@link Direction#DOWNSTREAM} target →
 * client (the destination's return path).
 *
 * <p>A trigger ({@link #at}) fires once: the bytes up to the trigger point (the N-th byte, or the
 * end of the k-th occurrence of the pattern) are forwarded, then the fault applies to that
 * connection; nothing after the trigger point is forwarded in that direction. A fault that fired
 * stays in force for connections made later (a link that went down stays down) until {@link
 * #heal()}.
 *
 * <p>Threads are bounded: one acceptor and two pumps per connection, at most {@code
 * maxConnections} connections at a time (more are closed at once). {@link #close()} closes every
 * socket and ends every thread. Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {

    /** A direction of the proxied connection, seen from the client. */
    public enum Direction {
        /** Client → target: a migration's stream, source to destination. */
        UPSTREAM,
        /** Target → client: a migration's return path, destination to source. */
        DOWNSTREAM
    }

    /** What breaks. */
    public enum Fault {
        /** Both sides closed: each peer reads the end of the stream. */
        CLOSE,
        /** Both sides reset ({@code SO_LINGER 0}): each peer gets "Connection reset". */
        RESET,
        /** The direction's bytes are read and dropped; sockets stay open; no error anywhere. */
        BLACKHOLE,
        /** The direction is no longer read: its sender blocks once buffers fill; sockets stay open. */
        STALL
    }

    private static final System.Logger LOG = System.getLogger(FaultProxy.class.getName());
    private static final int BUFFER = 64 << 10;

    private final InetSocketAddress target;
    private final int maxConnections;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicLong[] forwarded = {new AtomicLong(), new AtomicLong()};
    private final AtomicLong[] dropped = {new AtomicLong(), new AtomicLong()};
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicReference<Armed> armed = new AtomicReference<>();
    /** Faults in force, per direction (CLOSE and RESET are recorded for both). */
    private final AtomicReference<Fault>[] inForce = newRefs();
    private final CountDownLatch fired = new CountDownLatch(1);
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target, int maxConnections) throws IOException {
        this.target = target;
        this.maxConnections = maxConnections;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("fault-proxy-accept-" + server.getLocalPort())
                .start(this::acceptLoop);
    }

    /** A proxy to {@code target} on a free loopback port, for at most 4 connections at a time. */
    public static FaultProxy to(InetSocketAddress target) throws IOException {
        return to(target, 4);
    }

    /** A proxy to {@code target} on a free loopback port, for at most {@code maxConnections} at a time. */
    public static FaultProxy to(InetSocketAddress target, int maxConnections) throws IOException {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, not " + maxConnections);
        }
        return new FaultProxy(Objects.requireNonNull(target, "target"), maxConnections);
    }

    /** A proxy to a migration uri {@code tcp:HOST:PORT}. */
    public static FaultProxy toMigrationUri(String tcpUri) throws IOException {
        if (!tcpUri.startsWith("tcp:")) {
            throw new IllegalArgumentException("not a tcp: migration uri: " + tcpUri);
        }
        String hostPort = tcpUri.substring("tcp:".length());
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        return to(new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1))));
    }

    /** The port the proxy listens on (loopback). */
    public int port() {
        return server.getLocalPort();
    }

    /** Where to connect instead of the target, as a migration uri: {@code tcp:127.0.0.1:PORT}. */
    public String uri() {
        return "tcp:" + server.getInetAddress().getHostAddress() + ":" + port();
    }

    /**
     * Bytes forwarded in {@code d} so far, over every connection; counted as they are handed to
     * the receiving socket, so a peer that read them sees them counted.
     */
    public long forwarded(Direction d) {
        return forwarded[d.ordinal()].get();
    }

    /** Bytes read in {@code d} and dropped by a {@link Fault#BLACKHOLE}, over every connection. */
    public long dropped(Direction d) {
        return dropped[d.ordinal()].get();
    }

    /** Connections accepted so far (including any refused for exceeding the limit). */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** Starts building a trigger in direction {@code d}. */
    public TriggerBuilder at(Direction d) {
        return new TriggerBuilder(d);
    }

    /** Applies {@code fault} now, to every open connection and (until {@link #heal()}) to later ones. */
    public void inject(Fault fault, Direction d) {
        record(fault, d);
        for (Link l : links) {
            l.apply(fault, d);
        }
        fired.countDown();
    }

    /** Whether a fault was injected or a trigger fired. */
    public boolean hasFired() {
        return fired.getCount() == 0;
    }

    /** Waits until a fault was injected or a trigger fired; the calling test's timeout bounds the wait. */
    public void awaitFired() throws InterruptedException {
        fired.await();
    }

    /** Ends the faults in force for connections made from now on (open ones stay as they are). */
    public void heal() {
        for (AtomicReference<Fault> f : inForce) {
            f.set(null);
        }
        armed.set(null);
    }

    /** Closes the listener and every connection; every thread of the proxy ends. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the proxy listener", e);
        }
        for (Link l : links) {
            l.closeBoth(false);
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
            for (Link l : links) {
                l.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "FaultProxy[" + uri() + " → " + target + ", up " + forwarded(Direction.UPSTREAM) + " B, down "
                + forwarded(Direction.DOWNSTREAM) + " B]";
    }

    // ------------------------------------------------------------------ triggers

    /** Builds a one-shot trigger: where in a direction, and then which fault. */
    public final class TriggerBuilder {
        private final Direction direction;

        private TriggerBuilder(Direction direction) {
            this.direction = direction;
        }

        /** Once {@code n} bytes have been forwarded in this direction (over all connections). */
        public Then afterBytes(long n) {
            if (n < 0) {
                throw new IllegalArgumentException("byte count must not be negative: " + n);
            }
            return new Then(direction, n, null, 0, null, false);
        }

        /** Once the {@code k}-th occurrence (from 1) of {@code pattern} has been forwarded in this direction. */
        public Then afterPattern(byte[] pattern, int k) {
            if (pattern.length == 0 || k < 1) {
                throw new IllegalArgumentException("need a non-empty pattern and k ≥ 1");
            }
            return new Then(direction, -1, pattern.clone(), k, null, false);
        }

        /**
         * Just before the {@code k}-th occurrence (from 1) of {@code pattern} in this direction:
         * the bytes ahead of it are forwarded, the occurrence itself is not — it is lost to the
         * fault (e.g. a message that never arrives). Should the occurrence straddle two reads, its
         * bytes in the earlier read were already forwarded; only the rest is withheld.
         */
        public Then beforePattern(byte[] pattern, int k) {
            if (pattern.length == 0 || k < 1) {
                throw new IllegalArgumentException("need a non-empty pattern and k ≥ 1");
            }
            return new Then(direction, -1, pattern.clone(), k, null, true);
        }

        /**
         * Once the {@code k}-th message (from 1) of a connection has been forwarded in this
         * direction, messages being framed as {@code framing} says — e.g. {@link
         * Framing#RETURN_PATH} for the destination's return path ({@link Direction#DOWNSTREAM}).
         * Counted per connection, from its first byte in this direction.
         */
        public Then afterMessages(Framing framing, int k) {
            if (k < 1) {
                throw new IllegalArgumentException("k must be at least 1, not " + k);
            }
            return new Then(direction, -1, null, k, Objects.requireNonNull(framing, "framing"), false);
        }
    }

    /**
     * How a direction's bytes split into messages: a header of {@code headerBytes} whose
     * big-endian unsigned field at {@code lengthOffset} ({@code lengthBytes} long) gives the
     * length of the body that follows.
     *
     * @param headerBytes  bytes of each message's header
     * @param lengthOffset where in the header the body length is
     * @param lengthBytes  size of the length field (1 to 4)
     */
    public record Framing(int headerBytes, int lengthOffset, int lengthBytes) {
        /** QEMU's return path: {@code be16 type, be16 length, body}. */
        public static final Framing RETURN_PATH = new Framing(4, 2, 2);

        public Framing {
            if (lengthBytes < 1 || lengthBytes > 4 || lengthOffset < 0 || lengthOffset + lengthBytes > headerBytes
                    || headerBytes > 64) {
                throw new IllegalArgumentException("the length field must lie within a header of at most 64 bytes "
                        + "and be 1 to 4 bytes");
            }
        }
    }

    /** The second half of a trigger: the fault it applies. */
    public final class Then {
        private final Direction direction;
        private final long bytes;
        private final byte[] pattern;
        private final int occurrence;
        private final Framing framing;
        private final boolean beforePattern;

        private Then(Direction direction, long bytes, byte[] pattern, int occurrence, Framing framing,
                     boolean beforePattern) {
            this.beforePattern = beforePattern;
            this.direction = direction;
            this.bytes = bytes;
            this.pattern = pattern;
            this.occurrence = occurrence;
            this.framing = framing;
        }

        /** Arms the trigger: {@code fault} on direction {@code faultDirection} when it fires. Replaces any armed one. */
        public void then(Fault fault, Direction faultDirection) {
            armed.set(new Armed(direction, bytes, pattern, occurrence, framing, beforePattern, fault, faultDirection));
        }

        /** Arms the trigger with the fault on the trigger's own direction. */
        public void then(Fault fault) {
            then(fault, direction);
        }
    }

    /** An armed trigger; {@code matches} counts pattern occurrences seen so far. */
    private record Armed(Direction direction, long bytes, byte[] pattern, int occurrence, Framing framing,
                         boolean beforePattern, Fault fault, Direction faultDirection) {
    }

    /** How a chunk meets the armed trigger: {@code ok} bytes may go before it; {@code hit} whether it fires here. */
    private record Cut(int ok, boolean hit) {
    }

    /**
     * How many of the {@code n} bytes read in {@code d} may be forwarded before an armed trigger
     * fires, and whether it fires within (or right at the end of) them.
     */
    private synchronized Cut cut(Direction d, byte[] buf, int n, PatternScanner scanner) {
        Armed a = armed.get();
        if (a == null || a.direction() != d) {
            return new Cut(n, false);
        }
        if (a.framing() != null) {
            int end = scanner.frames(a.framing(), a.occurrence(), buf, n);
            return end < 0 ? new Cut(n, false) : new Cut(end, true);
        }
        if (a.pattern() == null) {
            long left = a.bytes() - forwarded[d.ordinal()].get();
            return left <= n ? new Cut((int) Math.max(0, left), true) : new Cut(n, false);
        }
        int end = scanner.scan(a.pattern(), a.occurrence(), buf, 0, n);
        if (end < 0) {
            return new Cut(n, false);
        }
        return new Cut(a.beforePattern() ? Math.max(0, end - a.pattern().length) : end, true);
    }

    /** Called by the pump that reached the trigger point: disarms it and returns it (null if another won). */
    private synchronized Armed takeTrigger(Direction d) {
        Armed a = armed.get();
        if (a == null || a.direction() != d) {
            return null;
        }
        armed.set(null);
        return a;
    }

    /**
     * Finds trigger points across the reads of one direction of one connection: the end of the
     * k-th occurrence of a pattern, or of the k-th framed message.
     */
    private static final class PatternScanner {
        private byte[] tail = new byte[0];
        private int seen;
        /** Message framing: bytes of the current header read so far, and body bytes still to come. */
        private final byte[] header = new byte[64];
        private int headerFill;
        private long bodyLeft = -1;
        private int messages;

        /** Offset just past the end of the k-th message within this chunk, or -1; counts every byte of it. */
        int frames(Framing f, int k, byte[] buf, int n) {
            int i = 0;
            while (i < n) {
                if (bodyLeft < 0) {
                    int take = Math.min(f.headerBytes() - headerFill, n - i);
                    System.arraycopy(buf, i, header, headerFill, take);
                    headerFill += take;
                    i += take;
                    if (headerFill == f.headerBytes()) {
                        long len = 0;
                        for (int b = 0; b < f.lengthBytes(); b++) {
                            len = (len << 8) | (header[f.lengthOffset() + b] & 0xff);
                        }
                        bodyLeft = len;
                        headerFill = 0;
                    }
                }
                if (bodyLeft >= 0) {
                    int take = (int) Math.min(bodyLeft, n - i);
                    i += take;
                    bodyLeft -= take;
                    if (bodyLeft == 0) {
                        bodyLeft = -1;
                        messages++;
                        if (messages == k) {
                            return i;
                        }
                    }
                }
            }
            return -1;
        }

        /** Offset (relative to {@code off}) just past the k-th occurrence within this chunk, or -1. */
        int scan(byte[] pattern, int k, byte[] buf, int off, int n) {
            byte[] joined = new byte[tail.length + n];
            System.arraycopy(tail, 0, joined, 0, tail.length);
            System.arraycopy(buf, off, joined, tail.length, n);
            for (int i = 0; i + pattern.length <= joined.length; i++) {
                if (i + pattern.length <= tail.length) {
                    continue; // entirely inside the tail: counted in an earlier chunk
                }
                if (java.util.Arrays.equals(joined, i, i + pattern.length, pattern, 0, pattern.length)) {
                    seen++;
                    if (seen == k) {
                        return i + pattern.length - tail.length;
                    }
                }
            }
            int keep = Math.min(pattern.length - 1, joined.length);
            tail = java.util.Arrays.copyOfRange(joined, joined.length - keep, joined.length);
            return -1;
        }
    }

    // ------------------------------------------------------------------ connections

    @SuppressWarnings("unchecked")
    private static AtomicReference<Fault>[] newRefs() {
        return new AtomicReference[]{new AtomicReference<Fault>(), new AtomicReference<Fault>()};
    }

    private void record(Fault fault, Direction d) {
        if (fault == Fault.CLOSE || fault == Fault.RESET) {
            inForce[0].set(fault);
            inForce[1].set(fault);
        } else {
            inForce[d.ordinal()].set(fault);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            links.removeIf(Link::ended);
            if (links.size() >= maxConnections) {
                closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 10_000);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "proxy target " + target + " refused", e);
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            Link link = new Link(client, upstream);
            links.add(link);
            if (closed) { // close() ran between accept and add: it did not see this link
                link.closeBoth(false);
                return;
            }
            for (Direction d : Direction.values()) {
                Fault f = inForce[d.ordinal()].get();
                if (f != null) {
                    link.apply(f, d);
                }
            }
            link.start();
        }
    }

    /** One proxied connection: the client's socket, the target's socket, and a pump per direction. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private final Thread[] pumps = new Thread[2];
        private final AtomicReference<Fault>[] faults = newRefs();
        private final Object stallLock = new Object();
        /** Directions that ended in an orderly way; once both did, the link is closed. */
        private final java.util.concurrent.atomic.AtomicInteger endedDirections = new java.util.concurrent.atomic.AtomicInteger();

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pumps[0] = Thread.ofPlatform().daemon().name("fault-proxy-up-" + port())
                    .start(() -> pump(Direction.UPSTREAM, client, upstream));
            pumps[1] = Thread.ofPlatform().daemon().name("fault-proxy-down-" + port())
                    .start(() -> pump(Direction.DOWNSTREAM, upstream, client));
        }

        boolean ended() {
            return client.isClosed() && upstream.isClosed();
        }

        void join() throws InterruptedException {
            for (Thread t : pumps) {
                if (t != null) {
                    t.join(Duration.ofSeconds(5));
                }
            }
        }

        void apply(Fault fault, Direction d) {
            switch (fault) {
                case CLOSE -> closeBoth(false);
                case RESET -> closeBoth(true);
                case BLACKHOLE, STALL -> {
                    faults[d.ordinal()].set(fault);
                    synchronized (stallLock) {
                        stallLock.notifyAll();
                    }
                }
            }
        }

        void closeBoth(boolean reset) {
            for (Socket s : List.of(client, upstream)) {
                if (reset) {
                    try {
                        s.setSoLinger(true, 0);
                    } catch (SocketException e) {
                        // already closed
                    }
                }
                closeQuietly(s);
            }
            synchronized (stallLock) {
                stallLock.notifyAll();
            }
        }

        private void pump(Direction d, Socket from, Socket to) {
            byte[] buf = new byte[BUFFER];
            PatternScanner scanner = new PatternScanner();
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    awaitNotStalled(d);
                    int n = in.read(buf);
                    if (n < 0) {
                        to.shutdownOutput(); // pass the orderly end on
                        if (endedDirections.incrementAndGet() == 2) {
                            closeBoth(false);
                        }
                        return;
                    }
                    // a stall injected while this read was blocked holds what it returned, too
                    awaitNotStalled(d);
                    if (faults[d.ordinal()].get() == Fault.BLACKHOLE) {
                        dropped[d.ordinal()].addAndGet(n);
                        continue;
                    }
                    Cut cut = cut(d, buf, n, scanner);
                    int ok = cut.ok();
                    if (ok > 0) {
                        forwarded[d.ordinal()].addAndGet(ok); // counted before the peer can see them
                        out.write(buf, 0, ok);
                        out.flush();
                    }
                    Armed a = cut.hit() ? takeTrigger(d) : null;
                    if (a != null) {
                        fire(a);
                    }
                    if (ok < n) {
                        boolean broken = a != null && (a.fault() == Fault.CLOSE || a.fault() == Fault.RESET
                                || a.faultDirection() == d);
                        if (!broken) {
                            forwarded[d.ordinal()].addAndGet(n - ok);
                            out.write(buf, ok, n - ok);
                            out.flush();
                        } else if (a.fault() == Fault.BLACKHOLE) {
                            dropped[d.ordinal()].addAndGet(n - ok);
                        } // else past the trigger point of a stalled or cut direction: never forwarded
                    }
                }
            } catch (IOException e) {
                // a side closed or was reset: end this link as a broken network would
                closeBoth(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeBoth(false);
            }
        }

        private void fire(Armed a) {
            record(a.fault(), a.faultDirection());
            apply(a.fault(), a.faultDirection());
            fired.countDown();
        }

        private void awaitNotStalled(Direction d) throws InterruptedException {
            synchronized (stallLock) {
                while (faults[d.ordinal()].get() == Fault.STALL && !client.isClosed() && !upstream.isClosed()) {
                    stallLock.wait(100);
                }
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }

    /** For tests of the proxy: the open connections' count. */
    int openConnections() {
        List<Link> open = new ArrayList<>(links);
        open.removeIf(Link::ended);
        return open.size();
    }
}
