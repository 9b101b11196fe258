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
 * <p>Security: QMP has no authentication; whoever reaches the socket controls the machine. A
 * Unix socket file is created with mode 0600 whatever the umask ({@link PrivateUnixSocket}); a
 * TCP listener beyond loopback is refused unless it has {@code tls-creds} ({@link MonitorTls}).
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
    private final ObjectRegistry objects;
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    /** Per listener: its TLS, when its address said {@code tls-creds=ID}. */
    private final List<Optional<MonitorTls>> listenerTls = new ArrayList<>();
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
        QmpCommands commands = new QmpCommands(control, b.version, onQuit.isPresent());
        for (String spec : b.objects) {
            try {
                commands.objectAdd(ObjectSpec.parse(spec));
            } catch (QmpError e) {
                throw new IllegalArgumentException("--object " + spec + ": " + e.getMessage(), e);
            }
        }
        this.dispatcher = new QmpDispatcher(commands);
        this.objects = commands.objects();
        ObjectNode greeting = QmpJson.object();
        ObjectNode qmp = greeting.putObject("QMP");
        qmp.set("version", b.version.toJson());
        qmp.putArray("capabilities").add("oob");
        this.greeting = QmpJson.write(greeting);
    }

    /** One address to listen on, with the id of its TLS credentials when it has some. */
    private record Listen(MonitorAddress address, Optional<String> tlsCreds) {
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

    private void start(List<Listen> addresses) throws IOException {
        try {
            for (Listen a : addresses) {
                Optional<MonitorTls> tls = a.tlsCreds().map(this::monitorTls);
                listenerTls.add(tls);
                bind(a.address(), tls.isPresent());
            }
            subscription = control.subscribe(this::broadcast);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        for (int i = 0; i < listeners.size(); i++) {
            ServerSocketChannel l = listeners.get(i);
            Optional<MonitorTls> tls = listenerTls.get(i);
            Thread.ofVirtual().name("qmp-accept-" + boundAddresses.get(i)).start(() -> acceptLoop(l, tls));
        }
    }

    /** A listener's {@code tls-creds}: a {@code tls-creds-x509} object for a server. */
    private MonitorTls monitorTls(String id) {
        ObjectRegistry.QomObject o = objects.find(id).orElseThrow(() -> new IllegalArgumentException(
                "No TLS credentials with id '" + id + "'"));
        if (!(o.credentials().orElse(null) instanceof dev.switchover.migration.api.TlsCredentials x509)) {
            throw new IllegalArgumentException("the monitor's tls-creds '" + id + "' must be a tls-creds-x509 object, "
                    + "not " + o.type());
        }
        return MonitorTls.server(x509);
    }

    private void bind(MonitorAddress address, boolean tls) throws IOException {
        if (address instanceof MonitorAddress.Unix u) {
            removeStaleSocket(u.path());
        }
        ServerSocketChannel l = ServerSocketChannel.open(address.family());
        listeners.add(l);
        try {
            if (address instanceof MonitorAddress.Unix u) {
                PrivateUnixSocket.bind(l, u.path());
            } else {
                if (!tls) {
                    requireLoopback((MonitorAddress.Tcp) address);
                }
                l.bind(address.socketAddress());
            }
        } catch (IOException e) {
            throw new IOException("can not listen on " + address + ": " + e.getMessage(), e);
        }
        if (address instanceof MonitorAddress.Unix u) {
            socketFiles.add(u.path());
        }
        // a unix socket was bound elsewhere and moved into place (PrivateUnixSocket): its path is the address
        SocketAddress bound = address instanceof MonitorAddress.Unix u
                ? java.net.UnixDomainSocketAddress.of(u.path()) : l.getLocalAddress();
        boundAddresses.add(bound);
        LOG.log(Level.DEBUG, "QMP monitor listening on {0}", bound);
    }

    /**
     * QMP has no authentication: a TCP monitor reachable beyond this host would hand the machine
     * to anyone on the network: without {@code tls-creds} a TCP monitor listens on loopback only.
     */
    private static void requireLoopback(MonitorAddress.Tcp tcp) throws IOException {
        java.net.InetAddress host;
        try {
            host = java.net.InetAddress.getByName(tcp.host());
        } catch (java.net.UnknownHostException e) {
            throw new IOException("unknown host '" + tcp.host() + "'", e);
        }
        if (!host.isLoopbackAddress()) {
            throw new IOException("a QMP monitor on " + tcp.host() + " would be reachable beyond this host without "
                    + "authentication; without TLS Switchover's monitor listens on TCP only on loopback (127.0.0.1, "
                    + "::1): add tls-creds=ID (a tls-creds-x509 object with endpoint=server) to the address, or use a "
                    + "unix: socket");
        }
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

    private void acceptLoop(ServerSocketChannel listener, Optional<MonitorTls> tls) {
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
            if (tls.isPresent()) {
                Thread.ofVirtual().name("qmp-tls-handshake").start(() -> handshakeThenAdmit(client, tls.get()));
            } else {
                admit(client);
            }
        }
    }

    /**
     * A TLS client is admitted once its handshake succeeded within the negotiation timeout; a
     * peer without TLS or without a trusted certificate is dropped with a logged reason.
     */
    private void handshakeThenAdmit(SocketChannel client, MonitorTls tls) {
        java.nio.channels.ByteChannel secured;
        try {
            client.socket().setSoTimeout((int) negotiationTimeout.toMillis());
            secured = tls.handshake(client.socket());
            client.socket().setSoTimeout(0);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "refused a QMP client: TLS handshake with the credentials {0} failed: {1}",
                    tls.credentialsId(), e.getMessage());
            try {
                client.close();
            } catch (IOException ignored) {
                // already refused
            }
            return;
        }
        admit(secured);
    }

    private synchronized void admit(java.nio.channels.ByteChannel client) {
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
        private final List<Listen> addresses = new ArrayList<>();
        private StreamReadConstraints limits = QmpJson.limits(64, 1024 * 1024);
        private int outputQueueCapacity = 1024;
        private int maxClients = 1024;
        private Duration negotiationTimeout = Duration.ofSeconds(10);
        private Runnable onQuit;
        private QmpVersion version = QmpVersion.SWITCHOVER;
        private final List<String> objects = new ArrayList<>();

        private Builder(MigrationControl control) {
            this.control = Objects.requireNonNull(control, "control");
        }

        /**
         * Listens on {@code unix:<path>} or {@code tcp:<host>:<port>} (see {@link MonitorAddress}),
         * optionally followed by QEMU's chardev options {@code ,server=on}, {@code ,wait=off} and
         * {@code ,tls-creds=ID}: the id of a {@code tls-creds-x509} object with {@code
         * endpoint=server} ({@link #object}); its clients then speak TLS 1.3, and a TCP address may
         * be beyond loopback.
         *
         * @throws IllegalArgumentException an unknown option or a bad address
         */
        public Builder listen(String address) {
            String[] parts = address.split(",", -1);
            String tls = null;
            for (int i = 1; i < parts.length; i++) {
                String option = parts[i];
                if (option.startsWith("tls-creds=") && option.length() > "tls-creds=".length()) {
                    tls = option.substring("tls-creds=".length());
                } else if (!option.equals("server=on") && !option.equals("wait=off") && !option.equals("server")
                        && !option.equals("nowait")) {
                    throw new IllegalArgumentException("'" + address + "': unknown monitor option '" + option
                            + "' (known: server=on, wait=off, tls-creds=ID)");
                }
            }
            addresses.add(new Listen(MonitorAddress.parse(parts[0]), Optional.ofNullable(tls)));
            return this;
        }

        /** Listens on a Unix domain socket; an old socket file there is replaced. */
        public Builder unix(Path path) {
            addresses.add(new Listen(new MonitorAddress.Unix(path), Optional.empty()));
            return this;
        }

        /** Listens on {@code port} of the loopback address (0: any free port). */
        public Builder tcpLoopback(int port) {
            addresses.add(new Listen(new MonitorAddress.Tcp("127.0.0.1", port), Optional.empty()));
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

        /**
         * An object created before the first client, as QEMU's {@code -object
         * TYPE,id=ID,key=value,...}: {@code tls-creds-x509}, {@code tls-creds-psk}, {@code
         * authz-simple}, with {@code object-add}'s checks; {@link #start()} then fails with
         * an {@link IllegalArgumentException} naming the object and the fault.
         */
        public Builder object(String spec) {
            objects.add(Objects.requireNonNull(spec, "spec"));
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
