package dev.switchover.it.faults;

/**
 * What a faulty call does instead of its job. What "garbage" means depends on the call (see
 * {@link FaultInjector}); every kind must end the migration as failed, except {@link
 * #ABSURD_FIGURES}, which the core is designed to survive.
 */
enum FaultBehaviour {
    /** Throws: an {@link java.io.IOException} where the call declares one, else an {@link IllegalStateException}. */
    THROWS("throws"),
    /**
     * Never returns on its own: blocks until the test releases it and ignores interrupts
     * meanwhile (the worst case: the watchdog's interrupt does not help).
     */
    HANGS("hangs"),
    /** Returns or writes garbage; per call, see {@link FaultInjector}. */
    RETURNS_GARBAGE("returns garbage"),
    /**
     * {@code queryPending} only, from the chosen call on: the real figures plus 4 EiB of
     * stop-copy data. Not fatal by design: the core clamps, traces and names such figures.
     */
    ABSURD_FIGURES("returns absurd figures");

    private final String label;

    FaultBehaviour(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
