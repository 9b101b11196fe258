package dev.switchover.it.faults;

import org.junit.jupiter.params.provider.Arguments;

import java.util.stream.Stream;

/** The commit fault matrix once the destination has loaded: LOADED, COMMIT and its acknowledgement. */
class CommitFaultMatrixAfterLoadIT extends CommitFaultMatrix {

    static Stream<Arguments> matrix() {
        return casesFor(Window.LOADED, Window.COMMIT, Window.ACK);
    }
}
