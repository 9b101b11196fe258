package dev.switchover.it;

import org.junit.jupiter.api.Timeout;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code switchover monitor} in its own JVM, fed commands on stdin, against a machine process. */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // two or more JVMs: longer than the 60 s default
class MonitorCliIT {

    @TempDir
    Path dir;

    @Test
    void runsHmpCommandsFromStdinWithHistoryRecallAndLeavesTheMachineRunning() throws Exception {
        try (Machines machines = new Machines(dir)) {
            Machines.Handle vm = machines.source("ram,id=ram0,size=16M");
            Path history = dir.resolve("history");

            SwitchoverCli.Result r = SwitchoverCli.run(dir, "monitor", Duration.ofSeconds(60),
                    "info status\nmigrate_set_parameter downtime-limit 1234\nhistory\n!1\nbogus\nquit\ninfo status\n",
                    "monitor", "--qmp", vm.process().qmpAddress(), "--history-file", history.toString());

            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out()).as("%s", r).isEqualTo("""
                    VM status: running
                        1  info status
                        2  migrate_set_parameter downtime-limit 1234
                        3  history
                    info status
                    VM status: running
                    unknown command: 'bogus'
                    """);
            assertThat(r.err()).isEmpty();
            assertThat(vm.qmp().queryParameters().downtimeLimitMs()).isEqualTo(1234);
            assertThat(vm.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
            assertThat(Files.readAllLines(history)).containsExactly("info status",
                    "migrate_set_parameter downtime-limit 1234", "history", "info status", "bogus", "quit");
            ConvergenceAdvisorIT.quit(vm);
        }
    }
}
