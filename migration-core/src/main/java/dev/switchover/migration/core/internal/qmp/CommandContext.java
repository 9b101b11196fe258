package dev.switchover.migration.core.internal.qmp;

/** What a command may ask of the client session that runs it. */
interface CommandContext {

    /** Quit once this command's reply has been sent (QMP {@code quit}, HMP {@code quit}). */
    void requestQuit();
}
