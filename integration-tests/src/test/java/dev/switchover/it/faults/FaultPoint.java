package dev.switchover.it.faults;

import dev.switchover.migration.api.QueryMode;

import java.lang.reflect.Method;

/**
 * The device calls a fault can be injected into, each at a fixed call number so that the
 * migration has already done some real work when the fault strikes.
 */
enum FaultPoint {
    /** The source's one {@code saveSetup} (the device's START section). */
    SAVE_SETUP("saveSetup", Side.SOURCE, 1),
    /** The source's second {@code saveIterate}: one PART of the device already went through. */
    SAVE_ITERATE("saveIterate", Side.SOURCE, 2),
    /**
     * The source's second {@code queryPending(EXACT)}: the first is the pass at setup, the
     * second the one that finds the iterable data drained, just before the switchover decision.
     */
    QUERY_PENDING_EXACT("queryPending(EXACT)", Side.SOURCE, 2),
    /** The source's {@code saveComplete}, with the machine stopped for the switchover. */
    SAVE_COMPLETE("saveComplete", Side.SOURCE, 1),
    /** The destination's second {@code loadSection}: the device's first PART, after its START. */
    LOAD_SECTION("loadSection(PART)", Side.DESTINATION, 2);

    /** Which machine the faulty device lives in. */
    enum Side { SOURCE, DESTINATION }

    private final String call;
    private final Side side;
    private final int nth;

    FaultPoint(String call, Side side, int nth) {
        this.call = call;
        this.side = side;
        this.nth = nth;
    }

    /** The call as the core names it in {@code error-desc}. */
    String call() {
        return call;
    }

    Side side() {
        return side;
    }

    /** Which matching call (1-based) the fault strikes. */
    int nth() {
        return nth;
    }

    /** Whether an invocation of the device is a call of this point. */
    boolean matches(Method m, Object[] args) {
        return switch (this) {
            case SAVE_SETUP -> m.getName().equals("saveSetup");
            case SAVE_ITERATE -> m.getName().equals("saveIterate");
            case QUERY_PENDING_EXACT -> m.getName().equals("queryPending") && args[0] == QueryMode.EXACT;
            case SAVE_COMPLETE -> m.getName().equals("saveComplete");
            case LOAD_SECTION -> m.getName().equals("loadSection");
        };
    }

    /** For test names: {@code saveIterate}, {@code loadSection (destination)}. */
    @Override
    public String toString() {
        return side == Side.DESTINATION ? call.replace("(PART)", "") + " (destination)" : call;
    }
}
