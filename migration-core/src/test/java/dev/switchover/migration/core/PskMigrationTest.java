package dev.switchover.migration.core;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.api.PskCredentials;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.api.TlsCredentials.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static dev.switchover.migration.core.LocalMachines.assertMigrated;
import static dev.switchover.migration.core.LocalMachines.awaitEnd;
import static dev.switchover.migration.core.LocalMachines.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Migrations with {@code tls-creds-psk}, two machines in one JVM over loopback: the engine finds
 * the PSK TLS provider (module migration-tls-psk) on its path; the stream is encrypted; a
 * source with a wrong key, an unknown username or one {@code tls-authz} does not allow is
 * refused with the reason while the destination keeps waiting for the real source.
 */
class PskMigrationTest {

    private static final byte[] QEVM = FaultRelay.STREAM_MAGIC;
    private static final byte[] KEY = HexFormat.of().parseHex("0123456789abcdef0123456789abcdef");
    private static final byte[] OTHER_KEY = HexFormat.of().parseHex("fedcba9876543210fedcba9876543210");
    private static final MigrationParameters FAST = MigrationParameters.DEFAULTS.withMaxBandwidth(0)
            .withStallTimeoutMs(10_000);

    @RegisterExtension
    final LocalMachines local = new LocalMachines();
    private FaultRelay wire;

    @AfterEach
    void closeRelay() throws Exception {
        if (wire != null) {
            wire.close();
        }
    }

    private static MigrationTls server(Optional<MigrationTls.Authorization> authz) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        keys.put("qemu", KEY);
        keys.put("backup", OTHER_KEY);
        return new MigrationTls(new PskCredentials("psk0", Endpoint.SERVER, "qemu", keys), Optional.empty(), authz);
    }

    private static MigrationTls client(String username, byte[] key) {
        return new MigrationTls(new PskCredentials("psk0", Endpoint.CLIENT, username, Map.of(username, key)),
                Optional.empty(), Optional.empty());
    }

    private Machine destination(MigrationTls tls) {
        Machine dst = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,seed=2").incoming());
        dst.setParameters(FAST);
        dst.setMigrationTls(Optional.of(tls));
        dst.migrateIncoming("tcp:127.0.0.1:0");
        return dst;
    }

    private Machine source(MigrationTls tls) {
        Machine src = local.machine(Machine.builder().device("blob,id=blob0,size=1M,stop-size=64K,seed=1"));
        src.setParameters(FAST);
        src.setMigrationTls(Optional.of(tls));
        return src;
    }

    @Test
    void aPskMigrationCompletesWithEqualStateAndNoPlaintextOnTheWire() throws Exception {
        Machine dst = destination(server(Optional.empty()));
        Machine src = source(client("qemu", KEY));
        wire = FaultRelay.cutOnPlaintext(port(dst));

        src.migrate(wire.uri());

        assertMigrated(src, dst);
        assertThat(wire.triggered()).as("the stream magic QEVM crossed the wire in plain text").isFalse();
    }

    @Test
    void wrongKeysUnknownUsernamesAndStrangersAreRefusedAndTheRealSourceMigratesAfterThem() throws Exception {
        Machine dst = destination(server(Optional.of(new MigrationTls.Authorization("authz0", "qemu"))));
        String uri = dst.incomingUri();

        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), port(dst))) {
            OutputStream out = raw.getOutputStream();
            out.write(QEVM);
            out.flush();
        }
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("wrong key", refusal(uri, client("qemu", OTHER_KEY)));
        refused.put("unknown username", refusal(uri, client("intruder", KEY)));
        refused.put("username not allowed by tls-authz", refusal(uri, client("backup", OTHER_KEY)));
        assertThat(refused.get("wrong key")).contains("TLS handshake with '127.0.0.1:", "pre-shared key");
        assertThat(refused.get("unknown username")).contains("TLS handshake with '127.0.0.1:",
                "did not accept the pre-shared key of username 'intruder'");
        assertThat(refused.get("username not allowed by tls-authz")).contains("username 'backup'");
        assertThat(dst.runState()).isEqualTo(RunState.INMIGRATE);

        Machine src = source(client("qemu", KEY));
        src.migrate(uri);
        assertThat(awaitEnd(src).status()).contains(MigrationStatus.COMPLETED);
        assertThat(awaitEnd(dst).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
    }

    /** Migrates a stranger to {@code uri}: it fails, keeps running, and its error is returned. */
    private String refusal(String uri, MigrationTls tls) throws InterruptedException {
        Machine stranger = source(tls);
        stranger.migrate(uri);
        MigrationInfo info = awaitEnd(stranger);
        assertThat(info.status()).contains(MigrationStatus.FAILED);
        assertThat(stranger.runState()).isEqualTo(RunState.RUNNING);
        return info.errorDesc().orElseThrow();
    }

    @Test
    void pskCredentialsForTheWrongEndAreRefusedBeforeAnythingStarts() {
        Machine src = source(server(Optional.empty()));
        assertThatThrownBy(() -> src.migrate("tcp:127.0.0.1:1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Expected TLS credentials for a client endpoint: 'psk0' has endpoint=server");
        assertThat(src.queryMigrate().status()).isEmpty();
    }
}
