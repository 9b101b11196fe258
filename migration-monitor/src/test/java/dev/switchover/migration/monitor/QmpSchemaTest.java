package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code query-qmp-schema} is valid QAPI introspection and describes exactly what the monitor dispatches. */
class QmpSchemaTest extends QmpServerTestBase {

    private Map<String, JsonNode> schema(RawQmp c) throws Exception {
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode e : c.command("{\"execute\": \"query-qmp-schema\"}").get("return")) {
            assertThat(e.get("name").isTextual()).as("name of %s", e).isTrue();
            assertThat(byName.put(e.get("name").asText(), e)).as("duplicate %s", e.get("name")).isNull();
        }
        return byName;
    }

    @Test
    void everyTypeReferencedIsDescribedWithItsMetaTypesFields() throws Exception {
        Map<String, JsonNode> s = schema(negotiated());
        for (JsonNode e : s.values()) {
            List<String> refs = new ArrayList<>();
            switch (e.get("meta-type").asText()) {
                case "command" -> {
                    refs.add(e.get("arg-type").asText());
                    refs.add(e.get("ret-type").asText());
                }
                case "event" -> refs.add(e.get("arg-type").asText());
                case "array" -> {
                    refs.add(e.get("element-type").asText());
                    assertThat(e.get("name").asText()).isEqualTo("[" + e.get("element-type").asText() + "]");
                }
                case "alternate" -> e.get("members").forEach(m -> refs.add(m.get("type").asText()));
                case "builtin" -> assertThat(e.get("json-type").asText())
                        .isIn("string", "number", "int", "boolean", "null", "object", "array", "value");
                case "enum" -> {
                    assertThat(e.get("values")).hasSize(e.get("members").size());
                    for (int i = 0; i < e.get("values").size(); i++) {
                        assertThat(e.get("members").get(i).get("name")).isEqualTo(e.get("values").get(i));
                    }
                }
                case "object" -> {
                    e.get("members").forEach(m -> refs.add(m.get("type").asText()));
                    if (e.has("tag")) {
                        JsonNode tagType = memberType(s, e, e.get("tag").asText());
                        for (JsonNode v : e.get("variants")) {
                            assertThat(tagType.get("values").toString()).contains("\"" + v.get("case").asText() + "\"");
                            refs.add(v.get("type").asText());
                        }
                    }
                }
                default -> throw new AssertionError("unknown meta-type in " + e);
            }
            for (String r : refs) {
                assertThat(s).as("%s refers to %s", e.get("name"), r).containsKey(r);
            }
        }
        assertThat(s.get("0").toString()).isEqualTo("{\"name\":\"0\",\"meta-type\":\"object\",\"members\":[]}");
    }

    @Test
    void commandsAndEventsAreThoseTheMonitorHas() throws Exception {
        RawQmp c = negotiated();
        Map<String, JsonNode> s = schema(c);
        List<String> commands = new ArrayList<>();
        c.command("{\"execute\": \"query-commands\"}").get("return").forEach(n -> commands.add(n.get("name").asText()));
        assertThat(s.values().stream().filter(e -> e.get("meta-type").asText().equals("command"))
                .map(e -> e.get("name").asText())).containsExactlyInAnyOrderElementsOf(commands);
        assertThat(s.values().stream().filter(e -> e.get("meta-type").asText().equals("event"))
                .map(e -> e.get("name").asText()))
                .containsExactlyInAnyOrder("SHUTDOWN", "STOP", "RESUME", "MIGRATION", "MIGRATION_PASS");
        JsonNode status = memberType(s, s.get(s.get("MIGRATION").get("arg-type").asText()), "status");
        assertThat(status.get("values").toString()).contains("\"cancelling\"", "\"pre-switchover\"", "\"device\"");
    }

    @Test
    void migratesArgumentsAreQemu111s() throws Exception {
        Map<String, JsonNode> s = schema(negotiated());
        JsonNode args = s.get(s.get("migrate").get("arg-type").asText());
        assertThat(args.get("members").toString()).isEqualTo("[{\"name\":\"uri\",\"type\":\"str\",\"default\":null},"
                + "{\"name\":\"channels\",\"type\":\"" + args.get("members").get(1).get("type").asText()
                + "\",\"default\":null},{\"name\":\"detach\",\"type\":\"bool\",\"default\":null},"
                + "{\"name\":\"resume\",\"type\":\"bool\",\"default\":null}]");
        JsonNode setParameters = s.get(s.get("migrate-set-parameters").get("arg-type").asText());
        assertThat(setParameters.get("members")).hasSize(MigrationParameterTable.all().size());
        assertThat(memberType(s, setParameters, "tls-creds").get("meta-type").asText()).isEqualTo("alternate");
        assertThat(memberType(s, setParameters, "max-bandwidth").get("json-type").asText()).isEqualTo("int");
    }

    @Test
    void everyMemberOfEveryReplyIsDeclaredInItsReturnType() throws Exception {
        machine.info = dev.switchover.migration.api.MigrationInfo.builder()
                .status(dev.switchover.migration.api.MigrationStatus.ACTIVE).totalTime(5).setupTime(1)
                .expectedDowntime(300).remaining(4096).pending(dev.switchover.migration.api.Pending.precopy(4096))
                .errorDesc("x").socketAddresses(List.of("tcp:127.0.0.1:4444")).pass(1).thresholdBytes(2)
                .switchoverBandwidth(3).linkBandwidth(4).throughput(5).clampedDevices(List.of("d"))
                .devicePending(Map.of("ram0", dev.switchover.migration.api.Pending.precopy(4096))).build();
        RawQmp c = negotiated();
        Map<String, JsonNode> s = schema(c);
        for (String query : List.of("query-migrate", "query-status", "query-version", "query-name",
                "query-migrate-parameters")) {
            JsonNode reply = c.command("{\"execute\": \"" + query + "\"}").get("return");
            JsonNode type = s.get(s.get(query).get("ret-type").asText());
            List<String> declared = new ArrayList<>();
            type.get("members").forEach(m -> declared.add(m.get("name").asText()));
            List<String> sent = new ArrayList<>();
            reply.fieldNames().forEachRemaining(sent::add);
            assertThat(declared).as("%s's return type", query).containsAll(sent);
        }
    }

    private static JsonNode memberType(Map<String, JsonNode> s, JsonNode object, String member) {
        for (JsonNode m : object.get("members")) {
            if (m.get("name").asText().equals(member)) {
                return s.get(m.get("type").asText());
            }
        }
        throw new AssertionError(object.get("name") + " has no member " + member);
    }
}
