package dev.switchover.migration.monitor;

import dev.switchover.migration.qapi.QmpJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Idle connections can not lock management out: those that never negotiate are closed. */
class QmpLockoutTest extends QmpServerTestBase {

    @Override
    QmpServer.Builder configure(QmpServer.Builder b) {
        return b.maxClients(3).negotiationTimeout(Duration.ofMillis(300));
    }

    @Test
    void clientsThatNeverNegotiateAreClosedAndFreeTheirPlaces() throws Exception {
        RawQmp working = negotiated();
        RawQmp idle1 = connect();
        RawQmp idle2 = connect();
        idle1.awaitClosedByServer();
        idle2.awaitClosedByServer();
        await(() -> server.clientCount() == 1, "the idle clients are gone");
        RawQmp late = negotiated(); // a place is free again
        assertThat(QmpJson.write(late.command("{\"execute\": \"query-migrate\"}"))).isEqualTo("{\"return\": {}}");
        assertThat(QmpJson.write(working.command("{\"execute\": \"query-migrate\"}"))).isEqualTo("{\"return\": {}}");
        assertThat(working.closedByServer()).isFalse();
    }
}
