package dev.switchover.migration.spi;

import java.nio.channels.ByteChannel;

/**
 * One end's TLS for one migration, made from its credentials when the migration starts: it
 * opens a {@link TlsSession} on every connection of that migration. Thread-safe.
 *
 * @since 0.1 (api 1.2)
 */
public interface TlsEndpoint {

    /**
     * A session over {@code transport}, a connected blocking socket, its handshake not begun. The
     * engine owns {@code transport}: it closes it to cancel, from any thread.
     */
    TlsSession open(ByteChannel transport);

    /** The id of the credentials, for logs. */
    String credentialsId();
}
