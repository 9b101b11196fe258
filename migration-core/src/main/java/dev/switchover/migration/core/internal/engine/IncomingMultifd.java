package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.core.internal.multifd.MultifdHandshake;
import dev.switchover.migration.core.internal.multifd.MultifdReceiver;
import dev.switchover.migration.core.internal.multifd.MultifdSetup;
import dev.switchover.migration.core.internal.multifd.StreamWait;
import dev.switchover.migration.core.internal.transport.MigrationChannel;
import dev.switchover.migration.core.internal.transport.Transports;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The destination's multifd connections: accepted on the migration's own listener after the
 * main stream announced them ({@link MultifdSetup}); a connection is bound to channel {@code
 * id} only if its greeting carries this migration's uuid and an id not yet bound
 * ({@link MultifdHandshake}). Anything else — a stranger, a second connection for an id, a
 * silent peer — is closed with a logged reason while the listener keeps waiting, until every
 * channel is bound or the stall timeout passes. Under TLS the listener only hands over peers
 * that passed the handshake and {@code tls-authz}, so each channel is encrypted and
 * authenticated as the main one is.
 */
final class IncomingMultifd implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(IncomingMultifd.class.getName());

    private final MigrationChannel[] connections;
    private final MultifdReceiver receiver;

    private IncomingMultifd(MigrationChannel[] connections, MultifdReceiver receiver) {
        this.connections = connections;
        this.receiver = receiver;
    }

    /**
     * Accepts and binds {@code setup.channels()} connections, then closes the listener.
     *
     * @throws IOException if not every channel was bound within {@code timeoutMs}
     */
    static IncomingMultifd accept(Transports.Listener listener, MultifdSetup setup, long timeoutMs,
                                  DeviceCallGuard calls, LinkWatch watch) throws IOException {
        int n = setup.channels();
        MigrationChannel[] bound = new MigrationChannel[n];
        CountDownLatch all = new CountDownLatch(n);
        List<MigrationChannel> pending = new ArrayList<>();
        Thread acceptor = Thread.ofVirtual().name("multifd-accept").start(() -> {
            while (true) {
                MigrationChannel c;
                try {
                    c = listener.accept();
                } catch (IOException e) {
                    return; // the listener closed: bound, or given up
                }
                synchronized (pending) {
                    pending.add(c);
                }
                Thread.ofVirtual().name("multifd-greeting").start(() -> greet(c, setup, bound, all));
            }
        });
        boolean complete;
        StreamWait wait = StreamWaits.bracket(calls, watch);
        wait.started();
        try {
            complete = all.await(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            complete = false;
        } finally {
            wait.ended();
            try {
                listener.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the listener failed", e);
            }
        }
        synchronized (bound) {
            synchronized (pending) {
                for (MigrationChannel c : pending) {
                    if (!Arrays.asList(bound).contains(c)) {
                        closeQuietly(c);
                    }
                }
            }
            if (!complete) {
                long missing = Arrays.stream(bound).filter(c -> c == null).count();
                for (MigrationChannel c : bound) {
                    if (c != null) {
                        closeQuietly(c);
                    }
                }
                acceptor.interrupt();
                throw new IOException(missing + " of the " + n + " multifd channels the source announced did not "
                        + "connect within " + timeoutMs + " ms (x-stall-timeout)");
            }
        }
        List<ReadableByteChannel> inputs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (MigrationChannel c : bound) {
            inputs.add(c.input());
            names.add(c.describe());
        }
        MultifdReceiver receiver = new MultifdReceiver(inputs, names, wait, watch::progress);
        return new IncomingMultifd(bound, receiver);
    }

    /** Reads a connection's greeting (bounded by the greeting's own thread) and binds it, or closes it. */
    private static void greet(MigrationChannel c, MultifdSetup setup, MigrationChannel[] bound, CountDownLatch all) {
        try {
            int id = MultifdHandshake.read(c.input(), setup.uuid(), setup.channels());
            synchronized (bound) {
                if (bound[id] != null) {
                    throw new IOException("multifd channel " + id + " is already connected");
                }
                bound[id] = c;
            }
            all.countDown();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "refused a connection on {0}: {1}", c.describe(),
                    e.getMessage() != null ? e.getMessage() : "it sent no multifd greeting before it was closed");
            closeQuietly(c);
        }
    }

    MultifdReceiver receiver() {
        return receiver;
    }

    /** Stops the receivers and closes every connection; idempotent, any thread. */
    @Override
    public void close() {
        receiver.close();
        for (MigrationChannel c : connections) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(MigrationChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a multifd connection failed", e);
        }
    }
}
