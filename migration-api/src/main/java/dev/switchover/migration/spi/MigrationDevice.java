package dev.switchover.migration.spi;

import dev.switchover.migration.api.Pending;
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
 * An exception from any {@code save*}, {@code load*} or {@code queryPending} call fails the
 * migration; the core names the device and the call in {@code error-desc}, calls the matching
 * cleanup on every device, and (on the source) leaves the machine running with its state
 * unchanged. A device never needs to clean up after its own exception.
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
     */
    String sectionName();

    /** The version written in this device's START/FULL section headers. */
    int sectionVersion();

    /**
     * The oldest section version {@link #loadSection} still reads. The core refuses a stream
     * outside {@code [minimumSectionVersion, sectionVersion]} before calling the device.
     */
    default int minimumSectionVersion() {
        return sectionVersion();
    }

    /**
     * Whether the device takes part in migrations at all (QEMU's {@code is_active}). An
     * inactive device gets no section and no calls except {@link #onRunStateChange}.
     *
     * <p><b>Thread:</b> the migration thread, before setup. <b>Run state:</b> any.
     */
    default boolean isActive() {
        return true;
    }

    /**
     * Whether this device can send data after the destination started. A device that returns
     * {@code false} must report {@code postcopy == 0} from {@link #queryPending}.
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
     */
    default boolean isActiveIterate() {
        return true;
    }


    /**
     * Starts an outgoing migration: begin tracking what changes from now on and write the
     * setup payload (RAM writes its block list).
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> usually running.
     * <b>If it throws:</b> the migration fails; {@link #saveCleanup} is still called.
     *
     * @throws IOException if the stream can not be written
     */
    void saveSetup(SectionWriter out, SaveOptions options) throws IOException;

    /**
     * How many bytes this device still has to send, in three disjoint buckets.
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
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> any. <b>If it throws, or returns
     * {@code null}:</b> the migration fails naming this device. Figures the core finds
     * inconsistent are clamped, traced and named in {@code query-migrate}'s
     * {@code x-clamped-devices}.
     */
    Pending queryPending(QueryMode mode);

    /**
     * What this device had to clamp or guess in its last {@link #queryPending} answer, if
     * anything: e.g. a driver reporting a stop-copy length smaller than its pre-copy bytes (the
     * stop-copy bucket was clamped to zero), or a failed size query answered from a fallback.
     * The core names the device and this text in {@code query-migrate}'s
     * {@code x-clamped-devices}, so management software sees which device's figures to distrust.
     *
     * <p><b>Thread:</b> the migration thread, right after {@code queryPending}. Must not block.
     *
     * @return a one-line description, or empty when the last figures needed no correction
     * @since 0.1
     */
    default java.util.Optional<String> pendingAnomaly() {
        return java.util.Optional.empty();
    }

    /**
     * Sends a chunk of iterable (pre-copy or postcopy) data while the machine runs.
     *
     * <p>Write about {@code budgetBytes} bytes (overshooting by one record is fine, and so is
     * writing less). The core calls this only when the device reported iterable bytes.
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> running (or paused by the
     * user). <b>If it throws:</b> the migration fails; the machine keeps running.
     *
     * @return {@link IterationResult#DONE} when, as far as the device knows, nothing iterable
     *         is left; {@link IterationResult#MORE} otherwise
     * @throws IOException if the stream can not be written
     */
    IterationResult saveIterate(SectionWriter out, long budgetBytes) throws IOException;

    /**
     * Sends everything left, including stop-copy data. Afterwards {@link #queryPending}
     * reports zero.
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> {@code finish-migrate} (stopped;
     * no workload writes any more). <b>If it throws:</b> the migration fails and the source
     * resumes.
     *
     * @throws IOException if the stream can not be written
     */
    void saveComplete(SectionWriter out) throws IOException;

    /**
     * Ends an outgoing migration, successful or not: stop tracking, free buffers. Idempotent,
     * and may be called without {@link #saveSetup} (or after a failed one). Must not throw;
     * an exception is logged and ignored.
     *
     * <p><b>Thread:</b> the migration thread. <b>Run state:</b> any.
     */
    void saveCleanup();

    // ------------------------------------------------------------- destination side

    /**
     * Prepares to receive state. Called before the first section arrives.
     *
     * <p><b>Thread:</b> the incoming migration thread. <b>Run state:</b> {@code inmigrate}.
     * <b>If it throws:</b> the incoming migration fails; {@link #loadCleanup} is called.
     */
    default void loadSetup() throws IOException {
    }

    /**
     * Reads one section payload, exactly as the matching save call wrote it.
     *
     * <p><b>Thread:</b> the incoming migration thread. <b>Run state:</b> {@code inmigrate}
     * (the machine does not run until every section loaded and the stream ended).
     * <b>If it throws:</b> the incoming migration fails, the destination discards the state
     * and reports why; the source resumes.
     *
     * @param kind    which save call wrote it
     * @param version the section version from the stream, already checked against
     *                {@link #minimumSectionVersion()}..{@link #sectionVersion()}
     * @throws IOException on a truncated or malformed payload
     */
    void loadSection(SectionReader in, SectionKind kind, int version) throws IOException;

    /**
     * Ends an incoming migration, successful or not. Idempotent; must not throw.
     *
     * <p><b>Thread:</b> the incoming migration thread. <b>Run state:</b> any.
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
     * <p><b>Thread:</b> the thread that changes the run state; calls for one device never
     * overlap each other but may overlap a {@code save*} call. <b>If it throws:</b> logged;
     * the run state changes anyway.
     */
    default void onRunStateChange(RunState from, RunState to) {
    }

    /**
     * Statistics for {@code query-migrate}, e.g. the {@code ram} or {@code vfio} member.
     *
     * <p><b>Thread:</b> any, concurrently with everything else: read atomics or volatile
     * fields only, never block. <b>If it throws:</b> the figures are left out of the reply.
     */
    default Optional<DeviceStats> stats() {
        return Optional.empty();
    }

    /**
     * A digest (SHA-256) of the device's migratable state, used to prove that the destination
     * holds exactly what the source held at switchover. Meaningful while the machine is
     * stopped.
     *
     * <p><b>Thread:</b> any. <b>Run state:</b> stopped, for a stable answer.
     */
    byte[] stateDigest();
}
