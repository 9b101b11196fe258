package dev.switchover.migration.monitor;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.api.MigrationControl;
import dev.switchover.migration.qapi.MonitorAddress;
import dev.switchover.migration.qapi.QmpJson;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A QMP monitor serving one {@link MigrationControl} on Unix domain sockets and/or TCP
 * addresses, speaking QEMU's protocol: greeting, {@code qmp_capabilities} negotiation, commands
 * with {@code id} echo, and asynchronous events.
 *
 * <p>Many clients may be connected at once, each with its own reader (platform) and writer
 * (virtual) threads; the machine's events are fanned out to every client that negotiated. A
 * client can not harm the machine or another client: requests are bounded ({@link Builder#limits}); replies
 * and events wait in a bounded per-client queue, a client that pipelines requests is read
 * only as fast as it takes its replies, and a client that lets events overflow its queue is
 * disconnected; a request line over the bound (1 MiB by default) closes that client's
 * connection; a client that has not negotiated capabilities within the negotiation timeout (10 s)
 * is disconnected, so idle connections can not fill the client cap (1024 by default) and lock
 * management out.
 *
 * <p>Security: QMP has no authentication; whoever reaches the socket controls the machine.
 * TCP listeners default to the loopback address, and a Unix socket is protected by its
 * directory's permissions, as with QEMU.
 *
 * <p>Thread-safe. {@link #close()} stops listening, disconnects every client and removes the
 * Unix socket files it created.
 */
public final class QmpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(QmpServer.class.getName());

    private final MigrationControl control;
    private final QmpDispatcher dispatcher;
    private final StreamReadConstraints limits;
    private final int outputQueueCapacity;
    private final int maxClients;
    private final Duration negotiationTimeout;
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("qmp-negotiation-timer").factory());
    private final Optional<Runnable> onQuit;
    private final String greeting;
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<SocketAddress> boundAddresses = new ArrayList<>();
    private final List<Path> socketFiles = new ArrayList<>();
    private final Set<QmpSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextClientId = new AtomicLong(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final QmpSession.Host host = new SessionHost();
    private AutoCloseable subscription;

    private QmpServer(Builder b) {
        this.control = b.control;
        this.limits = b.limits;
        this.outputQueueCapacity = b.outputQueueCapacity;
        this.maxClients = b.maxClients;
        this.negotiationTimeout = b.negotiationTimeout;
        this.onQuit = Optional.ofNullable(b.onQuit);
        this.dispatcher = new QmpDispatcher(new QmpCommands(control, b.version, onQuit.isPresent()));
        ObjectNode greeting = QmpJson.object();
        ObjectNode qmp = greeting.putObject("QMP");
        qmp.set("version", b.version.toJson());
        qmp.putArray("capabilities").add("oob");
        this.greeting = QmpJson.write(greeting);
    }

    /** A builder for a server on {@code control}. */
    public static Builder builder(MigrationControl control) {
        return new Builder(control);
    }

    /** The addresses actually bound, in the order given (TCP port 0 resolved to the real port). */
    public List<SocketAddress> addresses() {
        return List.copyOf(boundAddresses);
    }

    /** The number of connected clients. */
    public int clientCount() {
        return sessions.size();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (subscription != null) {
                subscription.close();
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "unsubscribing the QMP monitor from machine events", e);
        }
        for (ServerSocketChannel l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing QMP listener", e);
            }
        }
        timers.shutdownNow();
        for (QmpSession s : List.copyOf(sessions)) {
            s.close("monitor closed");
        }
        for (Path p : socketFiles) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "removing QMP socket " + p, e);
            }
        }
    }

    private void start(List<MonitorAddress> addresses) throws IOException {
        try {
            for (MonitorAddress a : addresses) {
                bind(a);
            }
            subscription = control.subscribe(this::broadcast);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        for (int i = 0; i < listeners.size(); i++) {
            ServerSocketChannel l = listeners.get(i);
            Thread.ofVirtual().name("qmp-accept-" + boundAddresses.get(i)).start(() -> acceptLoop(l));
        }
    }

    private void bind(MonitorAddress address) throws IOException {
        if (address instanceof MonitorAddress.Unix u) {
            removeStaleSocket(u.path());
        }
        ServerSocketChannel l = ServerSocketChannel.open(address.family());
        listeners.add(l);
        try {
            l.bind(address.socketAddress());
        } catch (IOException e) {
            throw new IOException("can not listen on " + address + ": " + e.getMessage(), e);
        }
        if (address instanceof MonitorAddress.Unix u) {
            socketFiles.add(u.path());
        }
        boundAddresses.add(l.getLocalAddress());
        LOG.log(Level.DEBUG, "QMP monitor listening on {0}", l.getLocalAddress());
    }

    /**
     * Removes a socket file left by an earlier run, as QEMU does; refuses to remove anything else,
     * and never takes over a live monitor: a socket that a process still accepts connections on
     * (probed by connecting) is refused, so a second machine started on the same path cannot make
     * the first one unreachable.
     */
    private static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw new IOException("can not listen on unix:" + path + ": the file exists");
        }
        if ((mode & 0170000) != 0140000) {
            throw new IOException("can not listen on unix:" + path + ": the file exists and is not a socket");
        }
        if (listenedOn(path)) {
            throw new IOException("can not listen on unix:" + path + ": another process is listening on it");
        }
        Files.delete(path);
    }

    /** Whether a process accepts connections on the socket file {@code path}; false for a stale one. */
    private static boolean listenedOn(Path path) {
        try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            probe.connect(java.net.UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false; // refused: nobody listens, the file is left over
        }
    }

    private void acceptLoop(ServerSocketChannel listener) {
        while (!closed.get()) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "accepting a QMP client failed", e);
                pauseAfterAcceptFailure();
                continue;
            }
            admit(client);
        }
    }

    private synchronized void admit(SocketChannel client) {
        long id = nextClientId.getAndIncrement();
        try {
            if (sessions.size() >= maxClients || closed.get()) {
                String refusal = QmpJson.write(QmpDispatcher.errorReply(QmpError.generic(
                        "too many QMP clients (at most " + maxClients + ")"))) + "\r\n";
                client.write(ByteBuffer.wrap(refusal.getBytes(StandardCharsets.US_ASCII)));
                client.close();
                LOG.log(Level.WARNING, "refused QMP client {0}: {1} clients connected", Long.toString(id),
                        Integer.toString(maxClients));
                return;
            }
            QmpSession session = new QmpSession(id, client, host, outputQueueCapacity);
            sessions.add(session);
            LOG.log(Level.DEBUG, "QMP client {0} connected", Long.toString(id));
            session.start(greeting);
            try {
                timers.schedule(() -> session.closeIfNotNegotiated("no capabilities negotiation within "
                        + negotiationTimeout.toMillis() + " ms"), negotiationTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                session.close("monitor closed");
            }
            if (closed.get()) {
                session.close("monitor closed");
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "QMP client " + id + " failed while connecting", e);
            try {
                client.close();
            } catch (IOException ignored) {
                // already failing; nothing more to do
            }
        }
    }

    /** Avoids spinning when accept fails persistently (e.g. out of file descriptors). */
    private static void pauseAfterAcceptFailure() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Called on the machine's event thread: must not block. */
    private void broadcast(MachineEvent event) {
        String line = QmpJson.write(EventEncoder.encode(event));
        for (QmpSession s : sessions) {
            s.deliverEvent(line);
        }
    }

    private final class SessionHost implements QmpSession.Host {
        @Override
        public QmpDispatcher dispatcher() {
            return dispatcher;
        }

        @Override
        public StreamReadConstraints limits() {
            return limits;
        }

        @Override
        public void ended(QmpSession session) {
            sessions.remove(session);
        }

        @Override
        public void quit() {
            String shutdown = QmpJson.write(EventEncoder.encode("SHUTDOWN", Instant.now(),
                    QmpJson.object().put("guest", false).put("reason", "host-qmp-quit")));
            for (QmpSession s : sessions) {
                s.deliverEvent(shutdown);
            }
            try {
                onQuit.orElseThrow().run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "the QMP quit action failed", e);
            }
        }
    }

    /**
     * Configures a {@link QmpServer}. At least one address is required. Defaults: at most 1024
     * clients, each closed unless it negotiated within 10 s, 1024 queued messages per client,
     * requests up to 1 MiB and 64 levels deep, no {@code quit} command unless {@link #onQuit} is
     * given.
     */
    public static final class Builder {
        private final MigrationControl control;
        private final List<MonitorAddress> addresses = new ArrayList<>();
        private StreamReadConstraints limits = QmpJson.limits(64, 1024 * 1024);
        private int outputQueueCapacity = 1024;
        private int maxClients = 1024;
        private Duration negotiationTimeout = Duration.ofSeconds(10);
        private Runnable onQuit;
        private QmpVersion version = QmpVersion.SWITCHOVER;

        private Builder(MigrationControl control) {
            this.control = Objects.requireNonNull(control, "control");
        }

        /** Listens on {@code unix:<path>} or {@code tcp:<host>:<port>} (see {@link MonitorAddress}). */
        public Builder listen(String address) {
            addresses.add(MonitorAddress.parse(address));
            return this;
        }

        /** Listens on a Unix domain socket; an old socket file there is replaced. */
        public Builder unix(Path path) {
            addresses.add(new MonitorAddress.Unix(path));
            return this;
        }

        /** Listens on {@code port} of the loopback address (0: any free port). */
        public Builder tcpLoopback(int port) {
            addresses.add(new MonitorAddress.Tcp("127.0.0.1", port));
            return this;
        }

        /**
         * Bounds on each request document: its maximum document length (bytes, required), nesting
         * depth and string length ({@link QmpJson#limits(int, int)} makes such bounds). A request
         * longer than the maximum is answered with an error and its connection closed; one nested
         * too deep is answered with an error and skipped, and the session goes on.
         *
         * @throws IllegalArgumentException if {@code limits} sets no maximum document length
         */
        public Builder limits(StreamReadConstraints limits) {
            long maxLength = limits.getMaxDocumentLength();
            if (maxLength < 1 || maxLength > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("QMP requests need a maximum document length between 1 and "
                        + (Integer.MAX_VALUE - 8) + " bytes, not " + maxLength);
            }
            this.limits = limits;
            return this;
        }

        /** How many replies and events may wait for one client before it is disconnected. */
        public Builder outputQueueCapacity(int messages) {
            if (messages < 1) {
                throw new IllegalArgumentException("output queue capacity must be at least 1, not " + messages);
            }
            this.outputQueueCapacity = messages;
            return this;
        }

        /** How many clients may be connected at once; more are refused with an error. */
        public Builder maxClients(int clients) {
            if (clients < 1) {
                throw new IllegalArgumentException("maxClients must be at least 1, not " + clients);
            }
            this.maxClients = clients;
            return this;
        }

        /**
         * What {@code quit} does (after its reply and a {@code SHUTDOWN} event were sent);
         * without it the server has no {@code quit} command.
         */
        public Builder onQuit(Runnable action) {
            this.onQuit = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * How long a client may stay connected without negotiating capabilities
         * ({@code qmp_capabilities}) before it is disconnected.
         */
        public Builder negotiationTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("negotiation timeout must be positive, not " + timeout);
            }
            this.negotiationTimeout = timeout;
            return this;
        }

        /** The version announced in the greeting and {@code query-version}. */
        public Builder version(QmpVersion version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /**
         * Binds every address and starts accepting clients.
         *
         * @throws IOException              if an address can not be bound (nothing stays bound)
         * @throws IllegalStateException    if no address was given
         */
        public QmpServer start() throws IOException {
            if (addresses.isEmpty()) {
                throw new IllegalStateException("a QMP server needs at least one address to listen on");
            }
            QmpServer server = new QmpServer(this);
            server.start(List.copyOf(addresses));
            return server;
        }
    }
}
