package dev.switchover.migration.api;

/**
 * How carefully a pending query is answered. Both modes measure <b>the same quantities</b>;
 * they differ only in cost and freshness.
 *
 * @since 0.1
 */
public enum QueryMode {
    /**
     * The cheap fast path: figures cached at the last {@link #EXACT} query minus what was sent
     * since. Never blocks, never takes a device lock that a running guest or a driver call
     * may hold, never does device I/O. May be stale.
     */
    ESTIMATE,
    /**
     * Accurate figures. May synchronise: RAM folds the dirty log into its migration bitmap,
     * VFIO re-queries its driver. The core asks for it before every switchover decision.
     */
    EXACT
}
