package dev.switchover.it.faults;

import org.junit.jupiter.params.provider.Arguments;

import java.util.stream.Stream;

/** The commit fault matrix while the stream still flows: mid pre-copy and mid stop-copy. */
class CommitFaultMatrixBeforeLoadIT extends CommitFaultMatrix {

    static Stream<Arguments> matrix() {
        return casesFor(Window.PRE_COPY, Window.STOP_COPY);
    }
}
