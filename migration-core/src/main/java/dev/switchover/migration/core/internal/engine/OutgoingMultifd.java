package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.core.internal.multifd.MultifdHandshake;
import dev.switchover.migration.core.internal.multifd.MultifdSender;
import dev.switchover.migration.core.internal.transport.MigrationChannel;
import dev.switchover.migration.core.internal.transport.MigrationUri;
import dev.switchover.migration.spi.TlsEndpoint;
import dev.switchover.migration.core.internal.transport.Transports;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The source's multifd connections: N more connections to the destination's URI, each with
 * the main channel's TLS when it has TLS, each greeted with the migration's uuid and its id
 * ({@link MultifdHandshake}), and the {@link MultifdSender} over them, its writes bounded by the
 * migration's {@link LinkWatch} like the main stream's.
 */
final class OutgoingMultifd implements AutoCloseable {

    private final List<MigrationChannel> connections;
    private final MultifdSender sender;

    private OutgoingMultifd(List<MigrationChannel> connections, MultifdSender sender) {
        this.connections = connections;
        this.sender = sender;
    }

    /**
     * Connects and greets {@code channels} connections and starts their senders.
     *
     * @throws IOException naming the channel that could not connect; those already open are closed
     */
    static OutgoingMultifd open(MigrationUri uri, Duration timeout, Optional<TlsEndpoint> tls, UUID uuid, int channels,
                                DeviceCallGuard calls, LinkWatch watch, MultifdSender.MainFlush flushMain,
                                Consumer<String> onFailure) throws IOException {
        List<MigrationChannel> open = new ArrayList<>();
        try {
            List<WritableByteChannel> outputs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < channels; i++) {
                MigrationChannel c;
                try {
                    c = Transports.connect(uri, timeout, tls);
                } catch (IOException e) {
                    throw new IOException("multifd channel " + i + ": " + e.getMessage(), e);
                }
                open.add(c);
                MultifdHandshake.write(c.output(), uuid, i);
                outputs.add(StreamWaits.writes(c.output(), calls, watch));
                names.add(c.describe());
            }
            MultifdSender sender = new MultifdSender(outputs, names, flushMain, StreamWaits.bracket(calls, watch), onFailure);
            return new OutgoingMultifd(List.copyOf(open), sender);
        } catch (IOException | RuntimeException e) {
            for (MigrationChannel c : open) {
                try {
                    c.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    MultifdSender sender() {
        return sender;
    }

    /** Stops the senders and closes every connection; idempotent, any thread. */
    @Override
    public void close() {
        sender.close();
        for (MigrationChannel c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
