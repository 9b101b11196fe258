package dev.switchover.migration.spi;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;

import java.io.IOException;
import java.util.Optional;

/**
 * A device holding live state that migrates: the product of a {@link MigrationDeviceProvider}.
 *
 * <h2>Threads</h2>
 * One <em>migration thread</em> per migration calls the {@code save*}, {@code load*} and
 * {@link #queryPending} methods, one at a time and never concurrently with each other. {@link
 * #onRunStateChange} is called by whichever thread changes the machine's run state (a monitor
 * thread for {@code stop}/{@code cont}, the migration thread at switchover), so it may overlap
 * a {@code save*} call. {@link #stats()} and {@link #stateDigest()} may be called from any
 * thread at any time and must not block.
 *
 * <h2>Failure</h2>
 * A device signals failure with a {@link DeviceException}: an {@link InvalidSectionException}
 * when the destination refuses an incoming section, a {@link DeviceFailureException} when the
 * device itself failed. An {@link IOException} from the {@link SectionWriter} or {@link
 * SectionReader} is the stream's failure: let it propagate unchanged. Any exception from a
 * {@code save*}, {@code load*} or {@code queryPending} call — these, or a {@link
 * RuntimeException} from a bug — fails the migration the same way: the core names the device,
 * the call and the message in {@code error-desc} ({@code device 'ram0' failed in saveIterate:
 * …}), calls the matching cleanup on every device, and (on the source) leaves the machine
 * running with its state unchanged, or resumes it if the failure came during the switchover.
 * A device never needs to clean up after its own exception; its cleanup method will be called.
 * A call that does not return within the core's deadline fails the migration too ({@code device
 * 'ram0' did not return from saveIterate within 2000 ms}); the device is then not used again
 * until that call returns. The methods that must not throw ({@link #saveCleanup}, {@link
 * #loadCleanup}, {@link #onRunStateChange}, {@link #stats()}) say what happens if they do.
 *
 * <h2>Stream</h2>
 * Each device owns one section of the migration stream (QEMU's {@code idstr}/instance): its
 * {@code saveSetup} payload goes in a START section, each {@code saveIterate} in a PART section,
 * {@code saveComplete} in an END section. The destination's {@link #loadSection} reads exactly
 * what the matching save call wrote. Treat the incoming stream as hostile: validate every length
 * and offset before using it, and never allocate what a length field asks for without a bound.
 *
 * @since 0.1
 */
public interface MigrationDevice {

    /**
     * QEMU's section {@code idstr}, e.g. {@code ram} or {@code s390-storage_attributes}. The core
     * numbers instances of one section name in creation order, so source and destination built
     * from the same device specs agree on them.
     *
     * <p><b>Thread:</b> any; a constant, read once when the machine is built. <b>If it
     * throws:</b> the machine is not built.
     */
    String sectionName();

    /**
     * The version written in this device's START/FULL section headers.
     *
     * <p><b>Thread:</b> any; a constant. <b>If it throws:</b> the migration fails.
     */
    int sectionVersion();

    /**
     * The oldest section version {@link #loadSection} still reads. The core refuses a stream
     * outside {@code [minimumSectionVersion, sectionVersion]} before calling the device.
     *
     * <p><b>Thread:</b> the incoming migration thread; a constant. <b>If it throws:</b> the
     * incoming migration fails.
     */
    default int minimumSectionVersion() {
        return sectionVersion();
    }

    /**
     * Whether the device takes part in migrations at all (QEMU's {@code is_active}). An
     * inactive device gets no section and no calls except {@link #onRunStateChange}.
     *
     * <p><b>Thread:</b> the migration thread, before setup. <b>Run state:</b> any.
     * <b>If it throws:</b> the migration fails before any device was set up.
     */
    default boolean isActive() {
        return true;
    }

    /**
     * The migration capability this device's state moves under, if any: with it off the device
     * sits out every outgoing migration, as QEMU's block dirty bitmaps do without {@code
     * dirty-bitmaps} ({@code dirty_bitmap_is_active} is the capability and "has bitmaps"). The
     * core then calls nothing else of the migration on it: no {@link #isActive()}, no section.
     * A destination loads the device's sections whenever a source sends them, whatever its own
     * capabilities, and does not miss them when none come (QEMU's destination has no check
     * either); the device keeps its own state then.
     *
     * <p><b>Thread:</b> the migration thread, before setup. <b>Run state:</b> any. <b>If it
     * throws:</b> as {@link #isActive()}.
     *
     * @return empty (the default) for a device that always migrates
     * @since 0.1 (api 1.2)
     */
    default Optional<MigrationCapability> migratesOnlyWith() {
        return Optional.empty();
    }

    /**
     * Whether this device can send data after the destination started. A device that returns
     * {@code false} must report {@code postcopy == 0} from {@link #queryPending}.
     *
     * <p><b>Thread:</b> the migration thread. <b>If it throws:</b> taken as {@code false}.
     */
    default boolean supportsPostcopy() {
        return false;
    }

    // ------------------------------------------------------------------ source side

    /**
     * Whether {@link #saveIterate} may be called now (QEMU's {@code is_active_iterate}). A
     * device whose data may only move while the machine is stopped (block dirty bitmaps)
     * returns {@code false} while it runs; the core then treats that device's iterable bytes as
     * not iterable for this round, so it never spins on a device that will not send.
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> any. Must not block.
     * <b>If it throws:</b> the migration fails naming this device.
     */
    default boolean isActiveIterate() {
        return true;
    }

    /**
     * Starts an outgoing migration: begin tracking what changes from now on and write the
     * setup payload (RAM writes its block list).
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> usually running.
     * <b>If it throws:</b> the migration fails; {@link #saveCleanup} is still called, on this
     * device and every other; the machine keeps running.
     *
     * @throws DeviceFailureException if the device can not start a migration (a driver that
     *                                refuses, a device in an error state)
     * @throws IOException            if the stream can not be written
     */
    void saveSetup(SectionWriter out, SaveOptions options) throws IOException;

    /**
     * How many bytes this device still has to send, in three disjoint buckets, and what had to
     * be clamped or guessed to say so ({@link PendingAnswer#anomaly()}).
     *
     * <p>The contract the core and the conformance kit rely on:
     * <ol>
     *   <li>{@link QueryMode#ESTIMATE} and {@link QueryMode#EXACT} report <b>the same
     *       quantities</b>: ESTIMATE is EXACT's cached fast path (the last exact figures minus
     *       what was sent since). ESTIMATE never blocks, never waits for a lock a running
     *       workload or driver call may hold, never does device I/O.
     *   <li>EXACT may synchronise (a dirty-log sync, a driver query).
     *   <li>The buckets are disjoint: a byte is counted once. On a quiescent device the EXACT
     *       total before setup equals the payload the device then writes, within framing.
     *   <li>After {@link #saveComplete}, EXACT reports zero.
     *   <li>A device without postcopy support reports no postcopy bytes.
     * </ol>
     * Valid at any time, including before setup and after cleanup.
     *
     * <p>Each answer carries its own note: a device that clamped a contradicting driver figure
     * or fell back to a guess says so in the answer it returns ({@link
     * PendingAnswer#anomalous}), and the core names the device and the note in {@code
     * query-migrate}'s {@code x-clamped-devices}. Nothing depends on the order of calls.
     *
     * <p><b>Thread:</b> the migration thread (the conformance kit also calls ESTIMATE from a
     * second thread while an EXACT is in progress). <b>Run state:</b> any. <b>If it throws, or
     * returns {@code null}:</b> the migration fails naming this device and the mode
     * ({@code queryPending(EXACT)}). Figures the core finds inconsistent (postcopy bytes without
     * postcopy support, a bucket above 1 EiB) are clamped, traced and named in {@code
     * x-clamped-devices} beside the device's own note.
     *
     * @throws DeviceFailureException if the device can not tell (it is in an error state, lost
     *                                its data session); a failed size query it can answer from a
     *                                cached figure is better reported as an anomaly
     */
    PendingAnswer queryPending(QueryMode mode) throws DeviceException;

    /**
     * Sends a chunk of iterable (pre-copy or postcopy) data while the machine runs.
     *
     * <p>Write about {@code budgetBytes} bytes (overshooting by one record is fine, and so is
     * writing less). The core calls this only when the device reported iterable bytes.
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> running (or paused by the
     * user). <b>If it throws:</b> the migration fails; {@link #saveCleanup} is called; the machine
     * keeps running.
     *
     * @return {@link IterationResult#DONE} when, as far as the device knows, nothing iterable
     *         is left; {@link IterationResult#MORE} otherwise
     * @throws DeviceFailureException if the device failed (its data can not be read)
     * @throws IOException            if the stream can not be written
     */
    IterationResult saveIterate(SectionWriter out, long budgetBytes) throws IOException;

    /**
     * Sends everything left, including stop-copy data. Afterwards {@link #queryPending}
     * reports zero.
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> {@code finish-migrate} (stopped;
     * no workload writes any more). <b>If it throws:</b> the migration fails, {@link
     * #saveCleanup} is called, and the source resumes the run state it had before the stop.
     *
     * @throws DeviceFailureException if the device failed (its data can not be read)
     * @throws IOException            if the stream can not be written
     */
    void saveComplete(SectionWriter out) throws IOException;

    /**
     * Ends an outgoing migration, successful or not: stop tracking, free buffers, recover from
     * a failure. Idempotent, and may be called without {@link #saveSetup} (or after a failed
     * one).
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> any. <b>Must not throw:</b> a
     * {@link RuntimeException} is logged and ignored, and the other devices are still cleaned
     * up.
     */
    void saveCleanup();

    // ------------------------------------------------------------- destination side

    /**
     * Prepares to receive state. Called before the first section arrives.
     *
     * <p><b>Thread:</b> the incoming migration thread. <b>Run state:</b> {@code inmigrate}.
     * <b>If it throws:</b> the incoming migration fails; {@link #loadCleanup} is called.
     *
     * @throws DeviceFailureException if the device can not receive state now
     */
    default void loadSetup() throws IOException {
    }

    /**
     * Reads one section payload, exactly as the matching save call wrote it.
     *
     * <p><b>Thread:</b> the incoming migration thread. <b>Run state:</b> {@code inmigrate}
     * (the machine does not run until every section loaded and the stream ended).
     * <b>If it throws:</b> the incoming migration fails, {@link #loadCleanup} is called, the
     * destination discards the state and sends the reason back; the source resumes. A payload
     * the device reads less or more of than was written fails the same way, naming this call.
     *
     * @param kind    which save call wrote it
     * @param version the section version from the stream, already checked against
     *                {@link #minimumSectionVersion()}..{@link #sectionVersion()}
     * @throws InvalidSectionException on a malformed or incompatible payload (an {@link
     *                                 java.io.EOFException} from the reader, for a truncated
     *                                 one, may propagate as it is)
     * @throws DeviceFailureException  if the device failed to take valid data
     * @throws IOException             if the stream broke
     */
    void loadSection(SectionReader in, SectionKind kind, int version) throws IOException;

    /**
     * Ends an incoming migration, successful or not. Idempotent; may be called without {@link
     * #loadSetup}.
     *
     * <p><b>Thread:</b> the incoming migration thread. <b>Run state:</b> any. <b>Must not
     * throw:</b> a {@link RuntimeException} is logged and ignored.
     */
    default void loadCleanup() {
    }

    // ------------------------------------------------------------------ both sides

    /**
     * The machine's run state changed. A device with a workload starts it on entering
     * {@link RunState#RUNNING} and must have stopped every write to its state before this
     * method returns when leaving it: the switchover relies on a stopped machine staying
     * unchanged.
     *
     * <p><b>Thread:</b> a thread of the machine's, while the thread that changes the run state
     * waits for every device (they are told at once); calls for one device never overlap each
     * other but may overlap a {@code save*} call. <b>Bounded:</b> the wait ends after the device
     * call timeout (30 s by default). A device still inside the call then is left behind: the run
     * state changes without it, it is not told of further changes until it returns, the machine
     * refuses new migrations meanwhile, and a switchover whose stop it has not confirmed fails
     * naming it (the source runs again). It is not interrupted. <b>Must not throw:</b> a {@link
     * RuntimeException} is logged and the run state changes anyway; a device that can not follow
     * the change should remember it and fail its next migration call with a {@link
     * DeviceFailureException}.
     */
    default void onRunStateChange(RunState from, RunState to) {
    }

    /**
     * Statistics for {@code query-migrate}, e.g. the {@code ram} or {@code vfio} member.
     *
     * <p><b>Thread:</b> any, concurrently with everything else: read atomics or volatile
     * fields only, never block. <b>Run state:</b> any. <b>If it throws:</b> the figures are left
     * out of the reply; nothing else happens.
     */
    default Optional<DeviceStats> stats() {
        return Optional.empty();
    }

    /**
     * A digest (SHA-256) of the device's migratable state, used to prove that the destination
     * holds exactly what the source held at switchover. Meaningful while the machine is
     * stopped.
     *
     * <p><b>Thread:</b> any. <b>Run state:</b> stopped, for a stable answer. <b>If it
     * throws:</b> the comparison that asked for it (a test, a demo) fails; migrations do not call
     * it.
     */
    byte[] stateDigest();
}
