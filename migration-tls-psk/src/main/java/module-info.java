/**
 * {@code tls-creds-psk} for migrations: TLS 1.3 with external pre-shared keys ({@code psk_dhe_ke},
 * the PSK plus an ephemeral key exchange), as QEMU's GnuTLS negotiates with {@code keys.psk} —
 * the PSK identity is the username, the key its decoded hex. The JDK's TLS has no external
 * pre-shared keys, so this module uses Bouncy Castle's TLS and plugs into the engine as a
 * {@link dev.switchover.migration.spi.TlsProvider}. It requires the api and Bouncy Castle only,
 * and exports nothing.
 *
 * @since 0.2
 */
module dev.switchover.migration.tls.psk {
    requires dev.switchover.migration.api;
    requires org.bouncycastle.tls;
    requires org.bouncycastle.provider;

    provides dev.switchover.migration.spi.TlsProvider with dev.switchover.migration.tls.psk.PskTlsProvider;
}
