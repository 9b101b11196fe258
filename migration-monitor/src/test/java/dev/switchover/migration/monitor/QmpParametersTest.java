package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.PskCredentials;
import dev.switchover.migration.api.TlsCredentials;
import dev.switchover.migration.qapi.QmpJson;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** QEMU 11.1's migration parameters and capabilities, TLS parameters and objects, as libvirt uses them. */
class QmpParametersTest extends QmpServerTestBase {

    private static final String SET = "{\"execute\": \"migrate-set-parameters\", \"arguments\": ";
    private static final String CAPS = "{\"execute\": \"migrate-set-capabilities\", \"arguments\": {\"capabilities\": ";

    private JsonNode parameters(RawQmp c) throws Exception {
        return c.command("{\"execute\": \"query-migrate-parameters\"}").get("return");
    }

    @Test
    void everyQemuParameterIsReportedWithQemusDefaults() throws Exception {
        JsonNode p = parameters(negotiated());
        assertThat(p.size()).isEqualTo(MigrationParameterTable.all().size() - 1); // block-bitmap-mapping: only once set
        assertThat(QmpJson.write(p)).startsWith("{\"announce-initial\": 50, \"announce-max\": 550, ")
                .contains("\"tls-creds\": \"\", \"tls-hostname\": \"\", \"tls-authz\": \"\", "
                        + "\"max-bandwidth\": 134217728, \"avail-switchover-bandwidth\": 0, \"downtime-limit\": 300, ")
                .contains("\"multifd-channels\": 2, \"xbzrle-cache-size\": 67108864, ")
                .contains("\"mode\": \"normal\", \"zero-page-detection\": \"multifd\", \"direct-io\": false, ");
    }

    @Test
    void libvirtsNoTlsAndUnlimitedBandwidthAreAccepted() throws Exception {
        RawQmp c = negotiated();
        long unlimited = (1L << 63) - (1L << 20); // libvirt's QEMU_DOMAIN_MIG_BANDWIDTH_MAX in bytes/s
        JsonAssert.emptyReturn(c.command(SET + "{\"tls-creds\": \"\", \"tls-hostname\": \"\", \"max-bandwidth\": "
                + unlimited + "}}"));
        assertThat(machine.parameters.maxBandwidth()).isEqualTo(unlimited);
        assertThat(parameters(c).get("max-bandwidth").asText()).isEqualTo(Long.toString(unlimited));
        JsonAssert.emptyReturn(c.command(SET + "{\"max-bandwidth\": 18446744073709551615, \"tls-authz\": null}}"));
        assertThat(machine.parameters.maxBandwidth()).isEqualTo(Long.MAX_VALUE);
        assertThat(parameters(c).get("max-bandwidth").asText()).isEqualTo("18446744073709551615");
        assertThat(parameters(c).get("tls-authz").asText()).isEmpty();
        JsonAssert.emptyReturn(c.command(SET + "{\"max-bandwidth\": -1}}")); // QEMU wraps negative uint64s
        assertThat(parameters(c).get("max-bandwidth").asText()).isEqualTo("18446744073709551615");
        JsonAssert.emptyReturn(c.command(SET + "{\"max-bandwidth\": 1000}}"));
        assertThat(parameters(c).get("max-bandwidth").asLong()).isEqualTo(1000);
    }

    @Test
    void tunablesOfFeaturesSwitchoverLacksAreRememberedWithoutEffect() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.emptyReturn(c.command(SET + "{\"cpu-throttle-initial\": 30, \"multifd-zlib-level\": 8, "
                + "\"xbzrle-cache-size\": 1048576, \"multifd-compression\": \"none\", \"mode\": \"normal\"}}"));
        JsonNode p = parameters(c);
        assertThat(p.get("cpu-throttle-initial").asInt()).isEqualTo(30);
        assertThat(p.get("multifd-zlib-level").asInt()).isEqualTo(8);
        assertThat(machine.parameters).isEqualTo(MigrationParameters.DEFAULTS);
    }

    @Test
    void multifdChannelsReachTheMachineWithinQemusRange() throws Exception {
        RawQmp c = negotiated();
        assertThat(parameters(c).get("multifd-channels").asInt()).isEqualTo(2);
        JsonAssert.emptyReturn(c.command(SET + "{\"multifd-channels\": 8}}"));
        assertThat(machine.parameters.multifdChannels()).isEqualTo(8);
        assertThat(parameters(c).get("multifd-channels").asInt()).isEqualTo(8);
        JsonAssert.error(c.command(SET + "{\"multifd-channels\": 0}}"), "GenericError",
                "Parameter 'multifd_channels' expects a value between 1 and 255"); // QEMU's spelling
        JsonAssert.error(c.command(SET + "{\"multifd-channels\": 256}}"), "GenericError",
                "Parameter 'multifd-channels' expects uint8_t");
        assertThat(machine.parameters.multifdChannels()).isEqualTo(8);
    }

    @Test
    void aValueThatWouldTurnOnAMissingFeatureIsRefusedAndNothingChanges() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command(SET + "{\"downtime-limit\": 1000, \"mode\": \"cpr-reboot\"}}"), "GenericError",
                "Parameter 'mode' can not be \"cpr-reboot\": migration mode is not supported by Switchover");
        JsonAssert.error(c.command(SET + "{\"direct-io\": true}}"), "GenericError", "Parameter 'direct-io' can not be "
                + "true: direct-io (O_DIRECT migration files, with mapped-ram) is not supported by Switchover");
        JsonAssert.error(c.command(SET + "{\"tls-creds\": 4}}"), "GenericError",
                "Invalid parameter type for 'tls-creds', expected: StrOrNull");
        assertThat(machine.parameters).isEqualTo(MigrationParameters.DEFAULTS);
        assertThat(machine.calls).isEmpty();
    }

    @Test
    void tlsCredsNamesTlsCredentialsAndPskOnesAreResolvedWithTheirKeys() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command(SET + "{\"tls-creds\": \"creds0\"}}"), "GenericError",
                "No TLS credentials with id 'creds0'");
        JsonAssert.emptyReturn(c.command("{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": "
                + "\"authz-simple\", \"id\": \"authz0\", \"identity\": \"CN=dst\"}}"));
        JsonAssert.error(c.command(SET + "{\"tls-creds\": \"authz0\"}}"), "GenericError",
                "No TLS credentials with id 'authz0'");
        Files.writeString(dir.resolve("keys.psk"), "other:00ff\nqemu:0123456789abcdef\n");
        JsonAssert.emptyReturn(c.command("{\"execute\": \"object-add\", \"arguments\": {\"qom-type\": "
                + "\"tls-creds-psk\", \"id\": \"creds0\", \"endpoint\": \"client\", \"dir\": \"" + dir + "\"}}"));
        JsonAssert.emptyReturn(c.command(SET + "{\"tls-creds\": \"creds0\"}}"));
        assertThat(parameters(c).get("tls-creds").asText()).isEqualTo("creds0");
        PskCredentials psk = (PskCredentials) machine.tls.orElseThrow().credentials();
        assertThat(psk.endpoint()).isEqualTo(TlsCredentials.Endpoint.CLIENT);
        assertThat(psk.username()).isEqualTo("qemu");
        assertThat(psk.key("qemu")).hasValueSatisfying(k -> assertThat(k).containsExactly(
                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef));
        assertThat(psk.keys()).containsOnlyKeys("other", "qemu");
    }

    @Test
    void objectsAreAddedAndDeletedWithQemusChecks() throws Exception {
        RawQmp c = negotiated();
        String add = "{\"execute\": \"object-add\", \"arguments\": ";
        JsonAssert.emptyReturn(c.command(add + "{\"qom-type\": \"authz-simple\", \"id\": \"a0\", \"identity\": \"x\"}}"));
        JsonAssert.error(c.command(add + "{\"qom-type\": \"authz-simple\", \"id\": \"a0\", \"identity\": \"x\"}}"),
                "GenericError", "attempt to add duplicate property 'a0' to object (type 'container')");
        JsonAssert.error(c.command(add + "{\"qom-type\": \"authz-simple\", \"id\": \"0a\", \"identity\": \"x\"}}"),
                "GenericError", "Parameter 'id' expects an identifier");
        JsonAssert.error(c.command(add + "{\"qom-type\": \"authz-simple\", \"id\": \"a1\"}}"), "GenericError",
                "Parameter 'identity' is missing");
        JsonAssert.error(c.command(add + "{\"qom-type\": \"memory-backend-ram\", \"id\": \"m\"}}"), "GenericError",
                "Parameter 'qom-type' does not accept value 'memory-backend-ram'");
        JsonAssert.error(c.command(add + "{\"qom-type\": \"tls-creds-x509\", \"id\": \"x\", \"endpoint\": \"sideways\", "
                + "\"dir\": \"/\"}}"), "GenericError", "Parameter 'endpoint' does not accept value 'sideways'");
        JsonAssert.error(c.command(add + "{\"qom-type\": \"tls-creds-x509\", \"id\": \"x\", \"dir\": \"" + dir + "\"}}"),
                "GenericError", "Unable to access credentials " + dir.resolve("ca-cert.pem")
                        + ": No such file or directory");
        JsonAssert.error(c.command(add + "{\"qom-type\": \"authz-simple\", \"id\": \"a2\", \"identity\": \"x\", "
                + "\"dir\": \"/\"}}"), "GenericError", "Parameter 'dir' is unexpected");
        JsonAssert.emptyReturn(c.command("{\"execute\": \"object-del\", \"arguments\": {\"id\": \"a0\"}}"));
        JsonAssert.error(c.command("{\"execute\": \"object-del\", \"arguments\": {\"id\": \"a0\"}}"), "GenericError",
                "object 'a0' not found");
    }

    @Test
    void capabilitiesLibvirtTurnsOnAreHonouredAndMissingOnesRefused() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.emptyReturn(c.command(CAPS + "[{\"capability\": \"return-path\", \"state\": true}, "
                + "{\"capability\": \"late-block-activate\", \"state\": true}, "
                + "{\"capability\": \"xbzrle\", \"state\": false}, {\"capability\": \"multifd\", \"state\": true}]}}"));
        assertThat(machine.capabilities).containsExactlyInAnyOrder(MigrationCapability.RETURN_PATH,
                MigrationCapability.LATE_BLOCK_ACTIVATE, MigrationCapability.MULTIFD);
        String caps = QmpJson.write(c.command("{\"execute\": \"query-migrate-capabilities\"}"));
        assertThat(caps).contains("{\"capability\": \"return-path\", \"state\": true}")
                .contains("{\"capability\": \"late-block-activate\", \"state\": true}")
                .contains("{\"capability\": \"multifd\", \"state\": true}")
                .contains("{\"capability\": \"xbzrle\", \"state\": false}");
        JsonAssert.error(c.command(CAPS + "[{\"capability\": \"events\", \"state\": true}, "
                + "{\"capability\": \"xbzrle\", \"state\": true}]}}"), "GenericError",
                "Capability 'xbzrle' can not be turned on: XBZRLE page delta compression is not supported "
                        + "by Switchover");
        assertThat(machine.capabilities).doesNotContain(MigrationCapability.EVENTS);
    }
}
