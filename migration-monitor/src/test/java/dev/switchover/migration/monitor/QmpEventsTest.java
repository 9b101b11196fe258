package dev.switchover.migration.monitor;

import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.MachineEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class QmpEventsTest extends QmpServerTestBase {

    private static final Instant T = Instant.ofEpochSecond(1795687007, 382_154_999);

    @Test
    void encodesEventsLikeQemu() throws Exception {
        RawQmp c = negotiated();
        machine.emit(new MachineEvent.Migration(T, MigrationStatus.SETUP));
        machine.emit(new MachineEvent.MigrationPass(T, 1));
        machine.emit(new MachineEvent.Stop(T));
        machine.emit(new MachineEvent.Resume(T));
        assertThat(c.eventLine()).isEqualTo("{\"timestamp\": {\"seconds\": 1795687007, \"microseconds\": 382154}, "
                + "\"event\": \"MIGRATION\", \"data\": {\"status\": \"setup\"}}");
        assertThat(c.eventLine()).isEqualTo("{\"timestamp\": {\"seconds\": 1795687007, \"microseconds\": 382154}, "
                + "\"event\": \"MIGRATION_PASS\", \"data\": {\"pass\": 1}}");
        assertThat(c.eventLine()).isEqualTo("{\"timestamp\": {\"seconds\": 1795687007, \"microseconds\": 382154}, "
                + "\"event\": \"STOP\"}");
        assertThat(c.eventLine()).isEqualTo("{\"timestamp\": {\"seconds\": 1795687007, \"microseconds\": 382154}, "
                + "\"event\": \"RESUME\"}");
        assertThat(c.protocolViolations()).isEmpty();
    }

    @Test
    void deliversEveryEventInOrderToEveryNegotiatedClientOnly() throws Exception {
        RawQmp waiting = connect();
        waiting.reply(); // greeting, but no negotiation
        RawQmp a = negotiated();
        RawQmp b = negotiated();
        List<String> expected = new ArrayList<>();
        machine.emit(new MachineEvent.Migration(T, MigrationStatus.SETUP));
        expected.add("setup");
        for (int pass = 1; pass <= 200; pass++) {
            machine.emit(new MachineEvent.MigrationPass(T, pass));
            expected.add("pass " + pass);
        }
        machine.emit(new MachineEvent.Migration(T, MigrationStatus.COMPLETED));
        expected.add("completed");
        for (RawQmp c : List.of(a, b)) {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                String line = c.eventLine();
                got.add(line.contains("MIGRATION_PASS")
                        ? "pass " + line.replaceAll(".*\"pass\": (\\d+).*", "$1")
                        : line.replaceAll(".*\"status\": \"([a-z-]+)\".*", "$1"));
            }
            assertThat(got).containsExactlyElementsOf(expected);
        }
        // the client that never negotiated got no event, and can still negotiate
        assertThat(QmpJson.write(waiting.command("{\"execute\": \"qmp_capabilities\"}"))).isEqualTo("{\"return\": {}}");
        assertThat(waiting.hasEvent()).isFalse();
    }

    @Test
    void theEventsACommandCausedComeBeforeItsReply() throws Exception {
        RawQmp c = negotiated();
        machine.publishedByStop = new MachineEvent.Stop(T); // published, not yet delivered, when stop returns
        JsonAssert.emptyReturn(c.command("{\"execute\": \"stop\"}"));
        // one reader takes the lines in order: an event read before the reply is already queued
        assertThat(c.hasEvent()).as("STOP came before the reply").isTrue();
        assertThat(c.eventLine()).contains("\"event\": \"STOP\"");
    }

    @Test
    void stopsListeningToTheMachineWhenClosed() {
        assertThat(machine.subscriberCount()).isEqualTo(1);
        server.close();
        assertThat(machine.subscriberCount()).isZero();
    }
}
