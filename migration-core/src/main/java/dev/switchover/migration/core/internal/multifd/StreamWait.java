package dev.switchover.migration.core.internal.multifd;

/**
 * How a multifd side tells the engine that its migration thread waits on a channel (a full
 * send queue, pages not yet arrived): the device-call deadline must not count that time, and
 * the link's stall bound must. The engine brackets it as it does its own stream waits.
 */
public interface StreamWait {

    /** The migration thread starts waiting on a channel. */
    void started();

    /** The wait is over (whatever its outcome). */
    void ended();

    /** A wait that counts for nothing: for tests. */
    StreamWait NONE = new StreamWait() {
        @Override
        public void started() {
        }

        @Override
        public void ended() {
        }
    };
}
