package dev.switchover.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchover.migration.qapi.QmpJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a real machine's monitor puts on the wire, compared with QEMU: the events a command
 * causes come before its reply ({@code STOP}, {@code RESUME}, {@code MIGRATION setup} for
 * {@code migrate} and {@code migrate-incoming}, {@code MIGRATION cancelling} for
 * {@code migrate_cancel}); the destination's {@code query-migrate} has {@code socket-address}
 * with the real port; the first {@code active} reply has QEMU 7.2's members (captured:
 * {@code expected-downtime}, {@code setup-time}, {@code total-time}, {@code ram}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // two JVMs: longer than the 60 s default
class QmpWireOrderIT {

    /** The members of QEMU 7.2's first {@code active} reply (dirty32-tcg capture), {@code ram} aside. */
    private static final List<String> QEMU_ACTIVE_MEMBERS = List.of("status", "setup-time", "total-time",
            "expected-downtime", "ram");

    @RegisterExtension
    final Machines machines = new Machines();

    @Test
    void eventsComeBeforeTheReplyOfTheCommandThatCausedThem() throws Exception {
        Machines.Handle dstVm = machines.start(List.of("--device", "ram,id=ram0,size=32M", "--incoming", "defer"));
        Machines.Handle srcVm = machines.source("ram,id=ram0,size=32M,fill=random");
        try (Wire src = new Wire(srcVm); Wire dst = new Wire(dstVm)) {
            src.command("{\"execute\": \"migrate-set-capabilities\", \"arguments\": {\"capabilities\": "
                    + "[{\"capability\": \"events\", \"state\": true}]}}");
            dst.command("{\"execute\": \"migrate-set-capabilities\", \"arguments\": {\"capabilities\": "
                    + "[{\"capability\": \"events\", \"state\": true}]}}");
            src.command("{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"max-bandwidth\": 2097152}}");

            assertThat(src.eventsBeforeReply("{\"execute\": \"stop\"}")).containsExactly("STOP");
            assertThat(src.eventsBeforeReply("{\"execute\": \"cont\"}")).containsExactly("RESUME");

            assertThat(dst.eventsBeforeReply("{\"execute\": \"migrate-incoming\", \"arguments\": "
                    + "{\"uri\": \"tcp:127.0.0.1:0\"}}")).containsExactly("MIGRATION setup");
            JsonNode address = dst.command("{\"execute\": \"query-migrate\"}").get("socket-address").get(0);
            assertThat(address.get("type").asText()).isEqualTo("inet");
            assertThat(address.get("host").asText()).isEqualTo("127.0.0.1");
            String port = address.get("port").asText();
            assertThat(Integer.parseInt(port)).isPositive();

            assertThat(src.eventsBeforeReply("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:127.0.0.1:"
                    + port + "\"}}")).startsWith("MIGRATION setup");
            JsonNode active = src.command("{\"execute\": \"query-migrate\"}");
            while (!active.get("status").asText().equals("active")) {
                assertThat(active.get("status").asText()).isEqualTo("setup");
                active = src.command("{\"execute\": \"query-migrate\"}");
            }
            List<String> members = new ArrayList<>();
            active.fieldNames().forEachRemaining(members::add);
            assertThat(members).containsAll(QEMU_ACTIVE_MEMBERS);
            assertThat(active.get("expected-downtime").asLong()).isNotNegative();

            assertThat(src.eventsBeforeReply("{\"execute\": \"migrate_cancel\"}")).contains("MIGRATION cancelling");
            JsonNode end = src.command("{\"execute\": \"query-migrate\"}");
            while (!end.get("status").asText().equals("cancelled")) {
                assertThat(end.get("status").asText()).isEqualTo("cancelling");
                end = src.command("{\"execute\": \"query-migrate\"}");
            }
        }
    }

    /** A raw QMP connection: one JSON document per line, events collected as they come. */
    private static final class Wire implements AutoCloseable {
        private final SocketChannel channel;
        private final BufferedReader in;

        Wire(Machines.Handle vm) throws Exception {
            String path = vm.process().qmpAddress().substring("unix:".length());
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(path));
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            in.readLine(); // greeting
            command("{\"execute\": \"qmp_capabilities\"}");
        }

        /** Sends {@code request}; the events read before its reply ({@code MIGRATION} with its status). */
        List<String> eventsBeforeReply(String request) throws Exception {
            List<String> events = new ArrayList<>();
            send(request);
            while (true) {
                JsonNode m = QmpJson.parse(in.readLine());
                if (m.has("event")) {
                    String name = m.get("event").asText();
                    events.add(name.equals("MIGRATION") ? name + " " + m.get("data").get("status").asText() : name);
                    continue;
                }
                assertThat(m.has("return")).as("reply to %s: %s", request, m).isTrue();
                return events;
            }
        }

        /** Sends {@code request} and returns its {@code return}, skipping events. */
        JsonNode command(String request) throws Exception {
            send(request);
            while (true) {
                JsonNode m = QmpJson.parse(in.readLine());
                if (!m.has("event")) {
                    assertThat(m.has("return")).as("reply to %s: %s", request, m).isTrue();
                    return m.get("return");
                }
            }
        }

        private void send(String request) throws Exception {
            ByteBuffer b = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
