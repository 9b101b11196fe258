package dev.switchover.migration.monitor;

import dev.switchover.migration.qapi.QmpJson;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class QmpQuitTest extends QmpServerTestBase {

    private final CountDownLatch quit = new CountDownLatch(1);

    @Override
    QmpServer.Builder configure(QmpServer.Builder b) {
        return b.onQuit(quit::countDown);
    }

    @Test
    void quitRepliesAnnouncesShutdownAndRunsTheQuitAction() throws Exception {
        RawQmp other = negotiated();
        RawQmp c = negotiated();
        assertThat(QmpJson.write(c.command("{\"execute\": \"quit\", \"id\": \"bye\"}")))
                .isEqualTo("{\"return\": {}, \"id\": \"bye\"}");
        assertThat(quit.await(RawQmp.WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        for (RawQmp r : new RawQmp[] {c, other}) {
            assertThat(r.eventLine()).matches("\\{\"timestamp\": \\{\"seconds\": \\d+, \"microseconds\": \\d+}, "
                    + "\"event\": \"SHUTDOWN\", \"data\": \\{\"guest\": false, \"reason\": \"host-qmp-quit\"}}");
        }
    }

    @Test
    void quitChecksItsArgumentsFirst() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": \"quit\", \"arguments\": {\"now\": true}}"), "GenericError",
                "Parameter 'now' is unexpected");
        assertThat(quit.getCount()).isEqualTo(1);
    }

    @Test
    void hmpQuitQuitsToo() throws Exception {
        RawQmp c = negotiated();
        assertThat(QmpJson.write(c.command("{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"q\"}}"))).isEqualTo("{\"return\": \"\"}");
        assertThat(quit.await(RawQmp.WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
}
