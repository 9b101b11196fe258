package dev.switchover.migration.monitor;

/**
 * What QMP remembers per client: whether capabilities were negotiated (before that only
 * {@code qmp_capabilities} works and no events are sent), whether out-of-band execution was
 * enabled, and whether a command asked to quit.
 *
 * <p>Written by the client's reader thread; {@link #negotiated()} is also read by the event
 * thread, hence volatile.
 */
final class SessionState implements CommandContext {

    private volatile boolean negotiated;
    private boolean oobEnabled;
    private boolean quitRequested;

    @Override
    public boolean negotiated() {
        return negotiated;
    }

    boolean oobEnabled() {
        return oobEnabled;
    }

    @Override
    public void negotiate(boolean oob) {
        this.oobEnabled = oob;
        this.negotiated = true;
    }

    @Override
    public void requestQuit() {
        quitRequested = true;
    }

    /** Whether a quit was requested since the last call; clears the request. */
    boolean takeQuitRequest() {
        boolean q = quitRequested;
        quitRequested = false;
        return q;
    }
}
