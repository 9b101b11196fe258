package dev.switchover.migration.cli;

import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.monitor.QmpServer;
import dev.switchover.testfixtures.FakeMigrationControl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What TAB offers, asked of a real QMP server over a scripted machine. */
class HmpCompleterTest {

    @TempDir
    Path dir;
    private QmpServer server;
    private QmpClient client;
    private HmpCompleter completer;

    @BeforeEach
    void start() throws IOException {
        server = QmpServer.builder(new FakeMigrationControl()).unix(dir.resolve("vm.qmp")).onQuit(() -> { }).start();
        client = QmpClient.connect("unix:" + dir.resolve("vm.qmp"), Duration.ofSeconds(10));
        completer = new HmpCompleter(client);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private List<String> names(String... before) {
        return completer.words(List.of(before)).stream().map(HmpCompleter.Word::name).toList();
    }

    @Test
    void theFirstWordIsAnyCommandOfTheMonitorOrOfTheShellWithOneQuit() {
        assertThat(names()).contains("help", "info", "stop", "cont", "migrate", "migrate_incoming", "migrate_continue", "migrate_cancel",
                "migrate_set_parameter", "migrate_set_capability", "history", "quit", "exit").doesNotHaveDuplicates();
        assertThat(completer.words(List.of())).filteredOn(w -> w.name().equals("quit")).singleElement()
                .extracting(HmpCompleter.Word::description).asString().contains("leave this shell");
        assertThat(completer.words(List.of())).filteredOn(w -> w.name().equals("info")).singleElement()
                .extracting(HmpCompleter.Word::description).asString().contains("show various information");
    }

    @Test
    void infoTakesTheMonitorsSubcommands() {
        assertThat(names("info")).containsExactly("migrate", "migrate_capabilities", "migrate_parameters", "status");
        assertThat(names("info", "status")).isEmpty();
    }

    @Test
    void parametersAndCapabilitiesComeFromTheApiTypes() {
        assertThat(names("migrate_set_parameter"))
                .containsExactlyInAnyOrder("downtime-limit", "max-bandwidth", "avail-switchover-bandwidth",
                        "multifd-channels", "x-stall-timeout", "x-switchover-timeout");
        assertThat(completer.words(List.of("migrate_set_parameter"))).filteredOn(w -> w.name().equals("downtime-limit"))
                .singleElement().extracting(HmpCompleter.Word::description).isEqualTo("default 300 ms");
        assertThat(names("migrate_set_parameter", "downtime-limit")).isEmpty();
        assertThat(names("migrate_set_capability")).containsExactly("events", "postcopy-ram", "dirty-bitmaps",
                "pause-before-switchover", "return-path", "late-block-activate", "multifd");
        assertThat(names("migrate_set_capability", "events")).containsExactly("on", "off");
        assertThat(names("migrate_set_capability", "events", "on")).isEmpty();
        assertThat(names("migrate_continue")).containsExactly("pre-switchover");
        assertThat(names("migrate_continue", "pre-switchover")).isEmpty();
        assertThat(names("stop")).isEmpty();
    }

    @Test
    void anUnreachableMonitorLeavesTheShellsCommandsAndIsAskedAgain() {
        server.close();
        assertThat(names()).containsExactly("history", "quit", "exit");
        assertThat(names("info")).isEmpty();
    }

    @Test
    void readsQemuStyleListings() {
        assertThat(HmpCompleter.parseListing("""
                acl_add aclname match allow|deny [index] -- add a match rule to the access control list\r
                not a command line\r
                help|? [cmd] -- show the help\r
                """, 0)).extracting(HmpCompleter.Word::name).containsExactly("acl_add", "help|?");
        assertThat(HmpCompleter.parseListing("info balloon  -- show balloon information\n", 1))
                .containsExactly(new HmpCompleter.Word("balloon", "show balloon information"));
    }
}
