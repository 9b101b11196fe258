package dev.switchover.migration.client;

import dev.switchover.migration.api.TlsCredentials;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.api.DeviceReport;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.qapi.CapabilitiesJson;
import dev.switchover.migration.qapi.DeviceReportJson;
import dev.switchover.migration.qapi.JsonDocumentReader;
import dev.switchover.migration.qapi.MalformedJsonException;
import dev.switchover.migration.qapi.MigrationInfoJson;
import dev.switchover.migration.qapi.MigrationParametersJson;
import dev.switchover.migration.qapi.MonitorAddress;
import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.qapi.RunStateJson;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A QMP client for a Switchover monitor or a QEMU process.
 *
 * <p>{@link #connect(String)} opens {@code unix:/path} or {@code tcp:host:port}, reads the
 * greeting and negotiates capabilities, so the returned client is ready for commands. Commands
 * run one at a time: {@link #execute} is thread-safe but callers take turns, each waiting for
 * its own reply (matched by {@code id}). Events arrive concurrently on the client's reader
 * thread and are both queued ({@link #nextEvent}, {@link #pollEvent}) and passed to listeners
 * ({@link #addEventListener}).
 *
 * <p>JSON values cross this API as plain Java values: object → {@code Map<String, Object>}
 * (member order kept, unmodifiable), array → {@code List<Object>} (unmodifiable), string →
 * {@link String}, integer → {@link Long}, other number → {@link Double}, true/false →
 * {@link Boolean}, null → {@code null}. Arguments may also use {@link Integer}, {@link Short},
 * {@link Byte} and {@link Float}.
 *
 * <p>Failures: an error reply is a {@link QmpException} and the connection stays usable; a
 * broken, closed or silent connection (no reply within the timeout) is an {@link IOException}.
 * The event queue holds at most 4096 events; when full, the oldest is dropped and counted in
 * {@link #droppedEvents()}, so a program that only uses listeners never runs out of memory.
 *
 * @since 0.1
 */
public final class QmpClient implements AutoCloseable {

    /** How long {@link #connect(String)} and each command wait by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger(QmpClient.class.getName());
    private static final int EVENT_QUEUE_CAPACITY = 4096;
    private static final StreamReadConstraints LIMITS = QmpJson.limits(64, 16 << 20);

    private record PendingReply(long id, CompletableFuture<ObjectNode> reply) {
    }

    private final String address;
    private final SocketChannel channel;
    private final java.io.InputStream in;
    /** TLS record content types (RFC 8446 §5.1): no JSON text starts with these bytes. */
    private static final int TLS_ALERT = 0x15;
    private static final int TLS_HANDSHAKE = 0x16;
    private final OutputStream out;
    private final Duration timeout;
    private final ReentrantLock callLock = new ReentrantLock();
    private final CompletableFuture<ObjectNode> greeting = new CompletableFuture<>();
    private final LinkedBlockingDeque<QmpEvent> events = new LinkedBlockingDeque<>(EVENT_QUEUE_CAPACITY);
    private final List<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong droppedEvents = new AtomicLong();
    private volatile PendingReply pending;
    private volatile IOException failure;
    private long nextId;

    private QmpClient(String address, SocketChannel channel, java.io.InputStream in, OutputStream out, Duration timeout) {
        this.address = address;
        this.channel = channel;
        this.in = in;
        this.out = out;
        this.timeout = timeout;
    }

    /** Connects with {@link #DEFAULT_TIMEOUT}. */
    public static QmpClient connect(String address) throws IOException {
        return connect(address, DEFAULT_TIMEOUT);
    }

    /**
     * Connects to {@code unix:<path>} or {@code tcp:<host>:<port>}, reads the greeting and
     * negotiates capabilities.
     *
     * @param timeout how long to wait for the connection, the greeting and, later, each reply
     * @throws IllegalArgumentException if {@code address} is not a monitor address
     * @throws IOException              if the connection fails, the peer does not greet as a QMP
     *                                  monitor, or negotiation fails
     */
    public static QmpClient connect(String address, Duration timeout) throws IOException {
        return connect(address, timeout, Optional.empty());
    }

    /**
     * {@link #connect(String, Duration)} to a monitor that serves QMP inside TLS (QEMU's chardev
     * {@code tls-creds}): TLS 1.3 with {@code tls}, client credentials in QEMU's layout; with
     * {@code verify-peer} the monitor's certificate must come from {@code tls}'s authorities and
     * name the host of {@code address}.
     *
     * @throws IOException also "TLS handshake with ADDRESS failed: REASON"
     * @since 0.2
     */
    public static QmpClient connect(String address, Duration timeout, TlsCredentials tls) throws IOException {
        return connect(address, timeout, Optional.of(tls));
    }

    private static QmpClient connect(String address, Duration timeout, Optional<TlsCredentials> tls) throws IOException {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        MonitorAddress target = MonitorAddress.parse(address);
        SocketChannel channel = SocketChannel.open(target.family());
        try {
            if (target instanceof MonitorAddress.Tcp) {
                channel.socket().connect(target.socketAddress(), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            } else {
                channel.connect(target.socketAddress());
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("can not connect to " + address + ": " + e.getMessage(), e);
        }
        QmpClient client;
        if (tls.isPresent()) {
            try {
                javax.net.ssl.SSLSocket s = MonitorTlsClient.handshake(channel, target, tls.get(), timeout);
                client = new QmpClient(address, channel, s.getInputStream(), s.getOutputStream(), timeout);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw new IOException("TLS handshake with " + address + " failed: " + e.getMessage(), e);
            }
        } else {
            client = new QmpClient(address, channel, Channels.newInputStream(channel), Channels.newOutputStream(channel),
                    timeout);
        }
        try {
            // a platform thread: a blocked read then wakes this one thread, where a virtual
            // thread would need the poller and then a carrier to be scheduled first, each a
            // chance to be delayed on a busy machine (the tail of the reply latency)
            Thread.ofPlatform().daemon().name("qmp-client-reader " + address).start(client::readLoop);
            ObjectNode hello = client.await(client.greeting, "QMP greeting");
            if (!(hello.get("QMP") instanceof ObjectNode)) {
                throw new IOException(address + " is not a QMP monitor: it greeted with " + abbreviate(hello));
            }
            client.executeJson("qmp_capabilities", QmpJson.object());
            return client;
        } catch (QmpException e) {
            client.close();
            throw new IOException("QMP capabilities negotiation with " + address + " failed: " + e.description(), e);
        } catch (IOException e) {
            client.close();
            throw e;
        }
    }

    /** The greeting's {@code QMP} member: {@code version} and {@code capabilities}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> greeting() {
        return (Map<String, Object>) JavaJson.toJava(greeting.join().get("QMP"));
    }

    /** Runs {@code command} without arguments; see {@link #execute(String, Map)}. */
    public Object execute(String command) throws IOException, QmpException {
        return execute(command, Map.of());
    }

    /**
     * Runs {@code command} and returns its {@code return} value as plain Java values.
     *
     * @param arguments the command's arguments; empty for none
     * @throws QmpException             if the monitor answers with an error
     * @throws IOException              if the connection fails or no reply arrives in time
     * @throws IllegalArgumentException if an argument value can not be sent as JSON
     */
    public Object execute(String command, Map<String, ?> arguments) throws IOException, QmpException {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(arguments, "arguments");
        JsonNode args = JavaJson.fromJava(arguments, "arguments");
        return JavaJson.toJava(executeJson(command, (ObjectNode) args));
    }

    /** {@code query-migrate}. */
    public MigrationInfo queryMigrate() throws IOException, QmpException {
        return decode("query-migrate", executeJson("query-migrate", QmpJson.object()), MigrationInfoJson::fromJson);
    }

    /** {@code query-status}: the machine's run state. */
    public RunState queryStatus() throws IOException, QmpException {
        return decode("query-status", executeJson("query-status", QmpJson.object()), RunStateJson::fromJson);
    }

    /** {@code query-migrate-parameters}: the parameters Switchover models. */
    public MigrationParameters queryParameters() throws IOException, QmpException {
        return decode("query-migrate-parameters", executeJson("query-migrate-parameters", QmpJson.object()),
                MigrationParametersJson::fromJson);
    }

    /**
     * {@code migrate-set-parameters} with the three QEMU parameters of {@code parameters}, and
     * Switchover's {@code x-} timeouts where they differ from their defaults.
     */
    public void setParameters(MigrationParameters parameters) throws IOException, QmpException {
        executeJson("migrate-set-parameters", MigrationParametersJson.toArguments(parameters));
    }

    /**
     * {@code migrate-set-parameters} for one parameter, e.g. {@code ("downtime-limit", 5000)};
     * works with QEMU versions that lack some of Switchover's parameters.
     */
    public void setParameter(String name, long value) throws IOException, QmpException {
        executeJson("migrate-set-parameters", QmpJson.object().put(name, value));
    }

    /** {@code query-migrate-capabilities}: the capabilities that are on. */
    public Set<MigrationCapability> queryCapabilities() throws IOException, QmpException {
        return decode("query-migrate-capabilities", executeJson("query-migrate-capabilities", QmpJson.object()),
                CapabilitiesJson::fromJson);
    }

    /** {@code migrate-set-capabilities} for one capability. */
    public void setCapability(MigrationCapability capability, boolean on) throws IOException, QmpException {
        ObjectNode arguments = QmpJson.object();
        arguments.putArray("capabilities").addObject().put("capability", capability.qmpName()).put("state", on);
        executeJson("migrate-set-capabilities", arguments);
    }

    /** {@code migrate}: starts an outgoing migration; it runs on after this returns. */
    public void migrate(String uri) throws IOException, QmpException {
        executeJson("migrate", QmpJson.object().put("uri", uri));
    }

    /** {@code migrate-incoming}: a destination starts listening for its migration. */
    public void migrateIncoming(String uri) throws IOException, QmpException {
        executeJson("migrate-incoming", QmpJson.object().put("uri", uri));
    }

    /**
     * {@code migrate-incoming} with QEMU 9.1's {@code exit-on-error}: {@code false} keeps the
     * destination up after a failed incoming migration, waiting for a new {@code migrate-incoming};
     * {@code true} (the default of {@link #migrateIncoming(String)}) lets it exit.
     */
    public void migrateIncoming(String uri, boolean exitOnError) throws IOException, QmpException {
        executeJson("migrate-incoming", QmpJson.object().put("uri", uri).put("exit-on-error", exitOnError));
    }

    /** {@code migrate_cancel}. */
    public void cancel() throws IOException, QmpException {
        executeJson("migrate_cancel", QmpJson.object());
    }

    /** {@code stop}: pauses the machine. */
    public void stop() throws IOException, QmpException {
        executeJson("stop", QmpJson.object());
    }

    /** {@code cont}: resumes the machine. */
    public void cont() throws IOException, QmpException {
        executeJson("cont", QmpJson.object());
    }

    /**
     * {@code human-monitor-command}: runs an HMP command line ({@code info migrate}) and returns
     * its output as the monitor sends it, with QEMU's {@code \r\n} line ends.
     */
    public String humanMonitorCommand(String commandLine) throws IOException, QmpException {
        JsonNode r = executeJson("human-monitor-command", QmpJson.object().put("command-line", commandLine));
        if (!r.isTextual()) {
            throw new IOException("malformed reply to human-monitor-command: " + abbreviate(r));
        }
        return r.textValue();
    }

    /** {@code x-query-migrate-devices} (Switchover only): per-device pending figures. */
    public List<DeviceReport> queryDevices() throws IOException, QmpException {
        return decode("x-query-migrate-devices", executeJson("x-query-migrate-devices", QmpJson.object()),
                DeviceReportJson::fromJson);
    }

    /**
     * {@code x-query-migrate-report} (Switchover only): the per-pass report of the machine's
     * latest outgoing migration, as the JSON text the monitor sent (the format of the report
     * files; fit to save as they are).
     *
     * @throws QmpException if the machine never started an outgoing migration
     */
    public String migrationReport() throws IOException, QmpException {
        JsonNode r = executeJson("x-query-migrate-report", QmpJson.object());
        if (!(r instanceof ObjectNode)) {
            throw new IOException("malformed reply to x-query-migrate-report: " + abbreviate(r));
        }
        return QmpJson.write(r);
    }

    /** {@code x-query-state-digests} (Switchover only): device id → SHA-256 of its state. */
    public Map<String, String> stateDigests() throws IOException, QmpException {
        Object r = JavaJson.toJava(executeJson("x-query-state-digests", QmpJson.object()));
        if (!(r instanceof Map<?, ?> m)) {
            throw new IOException("malformed reply to x-query-state-digests: " + r);
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String digest)) {
                throw new IOException("malformed reply to x-query-state-digests: " + e.getKey() + " = " + e.getValue());
            }
            out.put((String) e.getKey(), digest);
        }
        return out;
    }

    /**
     * Takes the oldest queued event, waiting up to {@code timeout} for one.
     *
     * @return empty if none arrived in time
     */
    public Optional<QmpEvent> nextEvent(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** Takes the oldest queued event, if any, without waiting. */
    public Optional<QmpEvent> pollEvent() {
        return Optional.ofNullable(events.poll());
    }

    /**
     * Calls {@code listener} for every event from now on, on the client's reader thread, in
     * arrival order. It must return quickly: replies are read by the same thread. Events are
     * still queued for {@link #nextEvent} as well.
     *
     * @return closing it removes the listener
     */
    public AutoCloseable addEventListener(Consumer<QmpEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** How many events were dropped because the queue was full. */
    public long droppedEvents() {
        return droppedEvents.get();
    }

    /** Whether the connection is still up. */
    public boolean isOpen() {
        return failure == null && channel.isOpen();
    }

    /** Closes the connection; a command waiting for its reply fails with an {@link IOException}. */
    @Override
    public void close() {
        fail(new IOException("QMP connection to " + address + " closed")); // before the reader sees it
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing QMP connection to " + address, e);
        }
    }

    private JsonNode executeJson(String command, ObjectNode arguments) throws IOException, QmpException {
        callLock.lock();
        try {
            checkOpen();
            long id = ++nextId;
            ObjectNode request = QmpJson.object().put("execute", command);
            if (!arguments.isEmpty()) {
                request.set("arguments", arguments);
            }
            request.put("id", id);
            CompletableFuture<ObjectNode> reply = new CompletableFuture<>();
            pending = new PendingReply(id, reply);
            try {
                checkOpen(); // the reader may have failed before it could see this pending reply
                out.write((QmpJson.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                ObjectNode r = await(reply, "reply to " + command);
                JsonNode error = r.get("error");
                if (error != null) {
                    throw toException(command, error);
                }
                return Objects.requireNonNull(r.get("return"), "a reply has 'return' or 'error'");
            } finally {
                pending = null;
            }
        } finally {
            callLock.unlock();
        }
    }

    private ObjectNode await(CompletableFuture<ObjectNode> future, String what) throws IOException {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no " + what + " from " + address + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io
                    ? new IOException(io.getMessage(), io)
                    : new IOException("QMP connection to " + address + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException("interrupted while waiting for " + what);
            ie.initCause(e);
            throw ie;
        }
    }

    private void checkOpen() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException(f.getMessage(), f);
        }
    }

    private void readLoop() {
        java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(in);
        JsonDocumentReader reader = new JsonDocumentReader(buffered, LIMITS);
        try {
            if (speaksTls(buffered)) {
                fail(new IOException(address + " speaks TLS, not plain QMP: connect with the client"
                        + " credentials its tls-creds trust (--tls-creds-dir DIR)"));
                return;
            }
            while (true) {
                Optional<JsonNode> next;
                try {
                    next = reader.next();
                } catch (MalformedJsonException e) {
                    LOG.log(Level.WARNING, "ignoring malformed JSON from {0}: {1}", address, e.getMessage());
                    continue;
                }
                if (next.isEmpty()) {
                    fail(new EOFException("QMP connection closed by " + address));
                    return;
                }
                if (next.get() instanceof ObjectNode message) {
                    route(message);
                } else {
                    LOG.log(Level.WARNING, "ignoring non-object message from {0}: {1}", address, abbreviate(next.get()));
                }
            }
        } catch (IOException e) {
            fail(e instanceof EOFException ? e : new IOException("QMP connection to " + address + " failed: "
                    + e.getMessage(), e));
        }
    }

    /**
     * Whether the peer's first byte opens a TLS record (a handshake, or the alert a TLS monitor
     * sends when its handshake timed out) rather than the greeting's JSON: a plain client pointed at
     * a monitor with {@code tls-creds} is told so instead of reading binary as JSON.
     */
    private static boolean speaksTls(java.io.BufferedInputStream in) throws IOException {
        in.mark(1);
        int first = in.read();
        in.reset();
        return first == TLS_ALERT || first == TLS_HANDSHAKE;
    }

    private void route(ObjectNode message) {
        if (!greeting.isDone()) {
            greeting.complete(message);
        } else if (message.has("event")) {
            deliver(toEvent(message));
        } else if (message.has("return") || message.has("error")) {
            PendingReply p = pending;
            JsonNode id = message.get("id");
            if (p != null && (id == null || (isLong(id) && id.longValue() == p.id()))) {
                p.reply().complete(message);
            } else {
                LOG.log(Level.DEBUG, "discarding a late or unexpected reply from {0}: {1}", address, abbreviate(message));
            }
        } else {
            LOG.log(Level.WARNING, "ignoring an unknown message from {0}: {1}", address, abbreviate(message));
        }
    }

    private void deliver(QmpEvent event) {
        while (!events.offerLast(event)) {
            if (events.pollFirst() != null) {
                droppedEvents.incrementAndGet();
            }
        }
        for (Consumer<QmpEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a QMP event listener failed", e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static QmpEvent toEvent(ObjectNode message) {
        String name = message.get("event").isTextual() ? message.get("event").textValue() : "";
        Map<String, Object> data = message.get("data") instanceof ObjectNode d
                ? (Map<String, Object>) JavaJson.toJava(d) : Map.of();
        Instant when = Instant.now();
        if (message.get("timestamp") instanceof ObjectNode ts && isLong(ts.get("seconds"))
                && isLong(ts.get("microseconds"))) {
            when = Instant.ofEpochSecond(ts.get("seconds").longValue(),
                    Math.floorMod(ts.get("microseconds").longValue(), 1_000_000L) * 1000);
        }
        return new QmpEvent(name, data, when);
    }

    /** Whether {@code v} is present and an integer literal that fits a {@code long}. */
    private static boolean isLong(JsonNode v) {
        return v != null && v.isIntegralNumber() && v.canConvertToLong();
    }

    private synchronized void fail(IOException e) {
        if (failure == null) {
            failure = e;
        }
        greeting.completeExceptionally(e);
        PendingReply p = pending;
        if (p != null) {
            p.reply().completeExceptionally(e);
        }
    }

    private static QmpException toException(String command, JsonNode error) {
        String cls = error.path("class").isTextual() ? error.get("class").textValue() : "GenericError";
        String desc = error.path("desc").isTextual() ? error.get("desc").textValue() : abbreviate(error);
        return new QmpException(command, cls, desc);
    }

    private static <T> T decode(String command, JsonNode reply, Function<JsonNode, T> reader)
            throws IOException {
        try {
            return reader.apply(reply);
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed reply to " + command + ": " + e.getMessage(), e);
        }
    }

    private static String abbreviate(JsonNode v) {
        String s = QmpJson.write(v);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
