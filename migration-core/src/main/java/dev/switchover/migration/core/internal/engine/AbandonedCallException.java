package dev.switchover.migration.core.internal.engine;

/**
 * Thrown into the thread whose device call the {@link DeviceCallGuard} abandoned, when that call
 * finally returns: the migration has already been ended by another thread, so this one must not
 * touch the stream, the run state or any other device. It unwinds to the top of the thread,
 * which settles the one device it was stuck in ({@link DeviceCallGuard#settle}).
 */
public final class AbandonedCallException extends RuntimeException {

    private final transient HungCall hungCall;

    AbandonedCallException(HungCall hungCall) {
        super(hungCall.describe() + "; the call returned after it was abandoned", null, false, false);
        this.hungCall = hungCall;
    }

    /** The call that was abandoned. */
    public HungCall hungCall() {
        return hungCall;
    }
}
