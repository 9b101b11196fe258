package dev.switchover.device.vfio.driver;

/**
 * What changes a device's state while the machine runs. For a real device that is the guest
 * itself, and there is nothing to start ({@link #NONE}); the emulation runs a thread that
 * dirties device state at a configured rate, like a GPU under load.
 *
 * <p><b>Threads:</b> {@link #start} and {@link #stop} are called by the thread that changes the
 * run state, and by the migration thread on the destination; implementations serialise them.
 */
public interface GuestActivity {

    /** No activity of its own. */
    GuestActivity NONE = new GuestActivity() {
        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }
    };

    /** Starts changing device state; does nothing if already started. */
    void start();

    /**
     * Stops changing device state and returns only when no further change can happen (joins
     * any thread); does nothing if not started.
     */
    void stop();
}
