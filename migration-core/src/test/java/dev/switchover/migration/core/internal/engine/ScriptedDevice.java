package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.DeviceException;
import dev.switchover.migration.spi.DeviceStats;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** A device whose pending figures a test sets per mode, counting every query. */
class ScriptedDevice implements MigrationDevice {

    private final Map<QueryMode, PendingAnswer> answers = new EnumMap<>(QueryMode.class);
    private final Map<QueryMode, Integer> queries = new EnumMap<>(QueryMode.class);
    boolean postcopy;
    /** What {@link #stats()} reports; none by default. */
    volatile DeviceStats stats;

    ScriptedDevice answer(QueryMode mode, Pending p) {
        answers.put(mode, PendingAnswer.of(p));
        return this;
    }

    /** Answers {@code mode} with {@code p} and the note {@code anomaly}. */
    ScriptedDevice answer(QueryMode mode, Pending p, String anomaly) {
        answers.put(mode, PendingAnswer.anomalous(p, anomaly));
        return this;
    }

    ScriptedDevice answerBoth(Pending p) {
        return answer(QueryMode.ESTIMATE, p).answer(QueryMode.EXACT, p);
    }

    int queries(QueryMode mode) {
        return queries.getOrDefault(mode, 0);
    }

    @Override
    public String sectionName() {
        return "scripted";
    }

    @Override
    public int sectionVersion() {
        return 1;
    }

    @Override
    public boolean supportsPostcopy() {
        return postcopy;
    }

    @Override
    public void saveSetup(SectionWriter out, SaveOptions options) {
    }

    @Override
    public PendingAnswer queryPending(QueryMode mode) throws DeviceException {
        queries.merge(mode, 1, Integer::sum);
        return answers.getOrDefault(mode, PendingAnswer.NONE);
    }

    @Override
    public IterationResult saveIterate(SectionWriter out, long budgetBytes) {
        return IterationResult.DONE;
    }

    @Override
    public void saveComplete(SectionWriter out) {
    }

    @Override
    public void saveCleanup() {
    }

    @Override
    public void loadSection(SectionReader in, SectionKind kind, int version) {
    }

    @Override
    public Optional<DeviceStats> stats() {
        return Optional.ofNullable(stats);
    }

    @Override
    public byte[] stateDigest() {
        return new byte[32];
    }
}
