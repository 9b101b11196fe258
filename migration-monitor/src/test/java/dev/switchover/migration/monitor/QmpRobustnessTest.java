package dev.switchover.migration.monitor;

import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.qapi.QmpJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile and broken clients never affect the machine or other clients. */
class QmpRobustnessTest extends QmpServerTestBase {

    @Override
    QmpServer.Builder configure(QmpServer.Builder b) {
        return b.limits(QmpJson.limits(64, 4096)).outputQueueCapacity(8).maxClients(4);
    }

    @Test
    void garbageGetsErrorsAndTheSessionGoesOn() throws Exception {
        RawQmp c = negotiated();
        c.send("\u0000\u00ff}]:, xyzzy {\"execute\": 12e9999}\n");
        for (String desc : List.of("unexpected '\\u0000' at offset 0", "invalid keyword '\u00ff' at offset 0",
                "expecting value, found '}' at offset 0", "expecting value, found ']' at offset 0",
                "expecting value, found ':' at offset 0", "expecting value, found ',' at offset 0",
                "invalid keyword 'xyzzy' at offset 0", "number '12e9999' out of range at offset 12")) {
            JsonAssert.error(c.reply(), "GenericError", "JSON parse error, " + desc);
        }
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-status\", \"id\": 1}"))).contains("\"running\"");
        assertThat(machine.calls).isEmpty();
    }

    @Test
    void anOversizedRequestClosesOnlyItsOwnConnection() throws Exception {
        RawQmp big = negotiated();
        RawQmp other = negotiated();
        big.send("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:" + "9".repeat(100_000) + "\"}}\n");
        JsonAssert.error(big.reply(), "GenericError", "JSON parse error, document larger than 4096 bytes");
        big.awaitClosedByServer();
        assertThat(QmpJson.write(other.command("{\"execute\": \"query-migrate\"}"))).isEqualTo("{\"return\": {}}");
        assertThat(machine.calls).isEmpty();
    }

    @Test
    void overlyDeepRequestsAreRefusedWithoutEndingTheSession() throws Exception {
        RawQmp c = negotiated();
        c.send("[".repeat(10_000) + "]".repeat(10_000));
        JsonAssert.error(c.reply(), "GenericError", "JSON parse error, nesting deeper than 64 levels at offset 64");
        assertThat(QmpJson.write(c.command("{\"execute\": \"query-migrate\"}"))).isEqualTo("{\"return\": {}}");
        assertThat(machine.calls).isEmpty();
    }

    @Test
    void aClientVanishingMidCommandLeavesOthersServed() throws Exception {
        RawQmp other = negotiated();
        RawQmp c = negotiated();
        c.send("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:127.0");
        c.close();
        clients.remove(c);
        await(() -> server.clientCount() == 1, "the half-sent client is gone");
        assertThat(machine.calls).isEmpty();
        assertThat(QmpJson.write(other.command("{\"execute\": \"query-status\"}"))).contains("\"running\"");
        RawQmp fresh = negotiated();
        assertThat(QmpJson.write(fresh.command("{\"execute\": \"query-migrate\"}"))).isEqualTo("{\"return\": {}}");
    }

    @Test
    void aClientThatStopsReadingIsDroppedWhileOthersGetEveryEvent() throws Exception {
        RawQmp reader = negotiated();
        RawQmp stuck = RawQmp.connectNotReading(address());
        clients.add(stuck);
        stuck.send("{\"execute\": \"qmp_capabilities\"}\n");
        await(() -> server.clientCount() == 2, "both clients are connected");
        long pass = 0;
        Instant now = Instant.now();
        // in bursts the reading client keeps up with, until the stuck one has overflowed
        while (server.clientCount() == 2 && pass < 200_000) {
            for (int i = 0; i < 4; i++) {
                machine.emit(new MachineEvent.MigrationPass(now, ++pass));
            }
            for (long p = pass - 3; p <= pass; p++) {
                assertThat(reader.eventLine()).endsWith("\"data\": {\"pass\": " + p + "}}");
            }
        }
        assertThat(server.clientCount()).isEqualTo(1);
        machine.emit(new MachineEvent.Migration(now, MigrationStatus.COMPLETED));
        assertThat(reader.eventLine()).contains("\"completed\"");
        assertThat(QmpJson.write(reader.command("{\"execute\": \"query-status\"}"))).contains("\"running\"");
    }

    @Test
    void aClientFloodingRequestsWithoutReadingIsThrottledAndDroppedOnceEventsOverflow() throws Exception {
        RawQmp other = negotiated();
        RawQmp flooder = RawQmp.connectNotReading(address());
        clients.add(flooder);
        AtomicBoolean stopped = new AtomicBoolean();
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                flooder.send("{\"execute\": \"qmp_capabilities\"}");
                String burst = "{\"execute\": \"query-migrate-parameters\"}".repeat(100);
                while (!stopped.get()) {
                    flooder.send(burst);
                }
            } catch (IOException e) {
                // dropped by the server: what this test waits for
            }
        });
        await(() -> server.clientCount() == 2, "the flooder is connected");
        // while it floods, the other client is served and gets its events
        for (int i = 0; i < 20; i++) {
            assertThat(QmpJson.write(other.command("{\"execute\": \"query-status\"}"))).contains("\"running\"");
        }
        long pass = 0;
        while (server.clientCount() == 2 && pass < 100_000) {
            machine.emit(new MachineEvent.MigrationPass(Instant.now(), ++pass));
            assertThat(other.eventLine()).endsWith("\"data\": {\"pass\": " + pass + "}}");
        }
        assertThat(server.clientCount()).isEqualTo(1);
        stopped.set(true);
        sender.join();
        assertThat(QmpJson.write(other.command("{\"execute\": \"query-status\"}"))).contains("\"running\"");
        assertThat(machine.calls).isEmpty();
    }

    @Test
    void pipelinedRequestsBeyondTheQueueSizeAreAllAnswered() throws Exception {
        RawQmp c = negotiated();
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            burst.append("{\"execute\": \"query-status\", \"id\": ").append(i).append('}');
        }
        c.send(burst.toString());
        for (int i = 0; i < 200; i++) {
            assertThat(QmpJson.write(c.reply().get("id"))).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void refusesClientsBeyondTheLimitWithAnError() throws Exception {
        for (int i = 0; i < 4; i++) {
            negotiated();
        }
        RawQmp extra = connect();
        assertThat(extra.replyLine()).isEqualTo("{\"error\": {\"class\": \"GenericError\", \"desc\": "
                + "\"too many QMP clients (at most 4)\"}}");
        extra.awaitClosedByServer();
        clients.getFirst().close();
        await(() -> server.clientCount() == 3, "a slot is free again");
        RawQmp next = connect();
        assertThat(next.replyLine()).startsWith("{\"QMP\": ");
    }
}
