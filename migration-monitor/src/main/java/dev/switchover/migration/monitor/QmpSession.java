package dev.switchover.migration.monitor;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchover.migration.qapi.JsonDocumentReader;
import dev.switchover.migration.qapi.MalformedJsonException;
import dev.switchover.migration.qapi.QmpJson;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.Channels;
import java.nio.channels.ByteChannel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connected QMP client: a reader thread that parses and executes its requests one after
 * the other (as QEMU does per monitor) and usually writes each reply itself, and an
 * {@link Outbox} with its own writer thread for events and for replies that queue behind them.
 *
 * <p>Isolation: malformed input gets an error reply and reading goes on; a request longer than
 * the server's bound gets an error reply and the connection is closed, without storing it;
 * one nested deeper than the bound gets an error reply and reading goes on; a client that sends requests faster
 * than it reads replies is no longer read from until it catches up (its own reader thread
 * waits); a client whose queue overflows with events is disconnected; a client that
 * disconnects mid-command just ends its session. None of this touches the machine or other
 * sessions.
 */
final class QmpSession {

    private static final System.Logger LOG = System.getLogger(QmpSession.class.getName());
    private static final long QUIT_FLUSH_MILLIS = 2000;

    /** What a session needs from its server. */
    interface Host {
        QmpDispatcher dispatcher();

        StreamReadConstraints limits();

        /** Called once when the session ended, for whatever reason. */
        void ended(QmpSession session);

        /** Runs the quit action after this session's reply to {@code quit} was sent. */
        void quit();
    }

    private final long id;
    private final ByteChannel channel;
    private final Host host;
    private final Outbox outbox;
    private final SessionState state = new SessionState();
    private final AtomicBoolean closed = new AtomicBoolean();

    QmpSession(long id, ByteChannel channel, Host host, int outputQueueCapacity) throws IOException {
        this.id = id;
        this.channel = channel;
        this.host = host;
        this.outbox = new Outbox(Channels.newOutputStream(channel), outputQueueCapacity,
                e -> close("write failed: " + e.getMessage()));
    }

    /** Sends the greeting and starts the reader and writer threads. */
    void start(String greeting) {
        outbox.start("qmp-" + id + "-writer");
        outbox.offer(greeting);
        // a platform thread: it usually writes the reply itself (see Outbox), so a request
        // wakes exactly one thread; a virtual one would wait for the poller and then a
        // carrier, each a chance to be delayed on a busy machine (the tail of the latency)
        Thread.ofPlatform().daemon().name("qmp-" + id + "-reader").start(this::readLoop);
    }

    /**
     * Queues an event for this client if it negotiated capabilities. Never blocks; a client
     * whose queue is full is disconnected.
     */
    void deliverEvent(String line) {
        if (state.negotiated() && !closed.get() && !outbox.offer(line)) {
            close("output queue full (the client is not reading)");
        }
    }

    /** Disconnects the client. Idempotent and safe from any thread. */
    void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.DEBUG, "QMP client {0} disconnected: {1}", Long.toString(id), reason);
        outbox.close();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing QMP client " + id, e);
        }
        host.ended(this);
    }

    long id() {
        return id;
    }

    /** Closes the connection unless the client left negotiation mode by now. */
    void closeIfNotNegotiated(String reason) {
        if (!state.negotiated()) {
            close(reason);
        }
    }

    private void readLoop() {
        JsonDocumentReader reader = new JsonDocumentReader(Channels.newInputStream(channel), host.limits());
        try {
            while (!closed.get()) {
                String reply;
                try {
                    Optional<JsonNode> request = reader.next();
                    if (request.isEmpty()) {
                        close("end of stream");
                        return;
                    }
                    reply = QmpJson.write(host.dispatcher().dispatch(request.get(), state));
                } catch (MalformedJsonException e) {
                    reply = QmpJson.write(QmpDispatcher.parseError(e.getMessage()));
                    if (e.tooLarge()) { // a line over the bound ends this connection, nothing else
                        if (outbox.put(reply)) {
                            outbox.awaitFlushed(QUIT_FLUSH_MILLIS);
                        }
                        close("request " + e.getMessage());
                        return;
                    }
                }
                if (!outbox.put(reply)) {
                    return; // closed meanwhile
                }
                if (state.takeQuitRequest()) {
                    outbox.awaitFlushed(QUIT_FLUSH_MILLIS);
                    host.quit();
                }
            }
        } catch (IOException e) {
            close(e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close("interrupted");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "QMP client " + id + " session failed", e);
            close("internal error: " + e);
        }
    }
}
