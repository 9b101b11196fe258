package dev.switchover.migration.monitor;

import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code migrate} and {@code migrate-incoming} as QEMU 11.1 takes them: {@code uri} or {@code channels}, {@code resume}. */
class QmpMigrateArgumentsTest extends QmpServerTestBase {

    private static final String INET = "{\"channel-type\": \"main\", \"addr\": {\"transport\": \"socket\", "
            + "\"type\": \"inet\", \"host\": \"127.0.0.1\", \"port\": \"4444\"}}";

    @Test
    void channelsNameTheSameTargetsAsUris() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.emptyReturn(c.command("{\"execute\": \"migrate\", \"arguments\": {\"channels\": [" + INET
                + "], \"detach\": true, \"resume\": false}}"));
        JsonAssert.emptyReturn(c.command("{\"execute\": \"migrate\", \"arguments\": {\"channels\": [{\"channel-type\": "
                + "\"main\", \"addr\": {\"transport\": \"file\", \"filename\": \"/tmp/state\", \"offset\": 0}}]}}"));
        machine.runState = RunState.INMIGRATE;
        JsonAssert.emptyReturn(c.command("{\"execute\": \"migrate-incoming\", \"arguments\": {\"channels\": ["
                + "{\"channel-type\": \"main\", \"addr\": {\"transport\": \"socket\", \"type\": \"unix\", "
                + "\"path\": \"/run/m.sock\"}}], \"exit-on-error\": true}}"));
        assertThat(machine.calls).containsExactly("migrate tcp:127.0.0.1:4444", "migrate file:/tmp/state",
                "migrate-incoming unix:/run/m.sock");
    }

    @Test
    void wrongCombinationsGetQemusErrorsAndDoNothing() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:h:1\", \"channels\": ["
                + INET + "]}}"), "GenericError", "'uri' and 'channels' arguments are mutually exclusive; exactly one "
                + "of the two should be present in 'migrate' qmp command ");
        JsonAssert.error(c.command("{\"execute\": \"migrate\", \"arguments\": {\"channels\": [" + INET + ", " + INET
                + "]}}"), "GenericError", "Channel list has more than one entries");
        JsonAssert.error(c.command("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"tcp:h:1\", \"resume\": true}}"),
                "GenericError", "Cannot resume if there is no paused migration");
        JsonAssert.error(c.command("{\"execute\": \"migrate\", \"arguments\": {\"channels\": [{\"channel-type\": "
                + "\"main\", \"addr\": {\"transport\": \"exec\", \"args\": [\"nc\"]}}]}}"), "GenericError",
                "migration transport 'exec' is not supported by Switchover");
        JsonAssert.error(c.command("{\"execute\": \"migrate\", \"arguments\": {\"channels\": [{\"channel-type\": "
                + "\"side\", \"addr\": {}}]}}"), "GenericError",
                "Parameter 'channels[0].channel-type' does not accept value 'side'");
        assertThat(machine.calls).isEmpty();
    }

    @Test
    void migrateContinueWithAStatusSwitchoverNeverEntersNamesTheCurrentOne() throws Exception {
        RawQmp c = negotiated();
        JsonAssert.error(c.command("{\"execute\": \"migrate-continue\", \"arguments\": {\"state\": \"colo\"}}"),
                "GenericError", "Migration not in expected state: none");
        JsonAssert.error(c.command("{\"execute\": \"migrate-continue\", \"arguments\": {\"state\": \"bogus\"}}"),
                "GenericError", "Parameter 'state' does not accept value 'bogus'");
    }
}
