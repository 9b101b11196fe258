package dev.switchover.device.ram;

/**
 * Where the source side of a {@code ram} device stands, published through one volatile field
 * so that pending queries and {@code stats()} read a consistent answer without a lock.
 */
sealed interface SavePhase {

    /** No outgoing migration (before setup, after cleanup): a migration would send all RAM. */
    record Idle() implements SavePhase {
    }

    /** Between setup and complete: the session's bitmap says what is left. */
    record Saving(RamSaveSession session) implements SavePhase {
    }

    /** After complete, until cleanup: everything was sent. */
    record Completed() implements SavePhase {
    }

    SavePhase IDLE = new Idle();
    SavePhase COMPLETED = new Completed();
}
