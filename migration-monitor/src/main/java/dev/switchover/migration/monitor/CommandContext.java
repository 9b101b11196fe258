package dev.switchover.migration.monitor;

/** What a command may ask of the client session that runs it. */
interface CommandContext {

    /** Whether this client already left capabilities negotiation mode. */
    boolean negotiated();

    /** Leaves negotiation mode; {@code oob} enables out-of-band execution ({@code exec-oob}). */
    void negotiate(boolean oob);

    /** Quit once this command's reply has been sent (QMP {@code quit}, HMP {@code quit}). */
    void requestQuit();
}
