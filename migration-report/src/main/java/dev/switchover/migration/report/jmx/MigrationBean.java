package dev.switchover.migration.report.jmx;

import dev.switchover.migration.api.DeviceReport;
import dev.switchover.migration.api.MigrationControl;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.Pending;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanRegistrationException;
import javax.management.MalformedObjectNameException;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The {@link MigrationMXBean} of one {@link MigrationControl}: each attribute is read from a
 * fresh {@link MigrationControl#queryMigrate()}, so it is thread-safe and as prompt as that
 * query. Holds no state of its own.
 *
 * @since 0.1
 */
public final class MigrationBean implements MigrationMXBean {

    /** The JMX domain of Switchover's beans. */
    public static final String DOMAIN = "dev.switchover";

    private final MigrationControl control;

    public MigrationBean(MigrationControl control) {
        this.control = Objects.requireNonNull(control, "control");
    }

    /**
     * A bean registered with the platform MBean server; {@link #close()} unregisters it (once;
     * later calls do nothing).
     *
     * @param name the name it is registered under
     */
    public record Registration(ObjectName name) implements AutoCloseable {
        @Override
        public void close() {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (InstanceNotFoundException | MBeanRegistrationException e) {
                System.getLogger(MigrationBean.class.getName())
                        .log(System.Logger.Level.DEBUG, "unregistering " + name + " failed", e);
            }
        }
    }

    /**
     * Registers the {@link MigrationMXBean} of {@code control} with the platform MBean server
     * under {@code dev.switchover:type=Migration,name=<name>}.
     *
     * @param name the machine's name, or the process id
     * @return the registration; close it to unregister the bean
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws IllegalStateException    if a bean is already registered under that name
     */
    public static Registration register(MigrationControl control, String name) {
        ObjectName objectName = objectName(name);
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new MigrationBean(control), objectName);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalStateException("a migration MXBean is already registered as " + objectName, e);
        } catch (MBeanRegistrationException | NotCompliantMBeanException e) {
            throw new IllegalStateException("registering " + objectName + " failed: " + e.getMessage(), e);
        }
        return new Registration(objectName);
    }

    /**
     * {@code dev.switchover:type=Migration,name=<name>}, the name quoted when it holds a
     * character ObjectName reserves ({@code , = : " * ? \} or a newline).
     *
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static ObjectName objectName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a migration MXBean needs a non-blank name (a machine name or the pid)");
        }
        boolean plain = name.chars().noneMatch(c -> ",=:\"*?\\\n".indexOf(c) >= 0);
        String value = plain ? name : ObjectName.quote(name);
        try {
            return new ObjectName(DOMAIN + ":type=Migration,name=" + value);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("'" + name + "' can not name a migration MXBean: " + e.getMessage(), e);
        }
    }

    @Override
    public String getStatus() {
        return control.queryMigrate().status().map(MigrationStatus::qmpName).orElse(MigrationStatus.NONE.qmpName());
    }

    @Override
    public boolean isMigrating() {
        return control.queryMigrate().status().map(MigrationStatus::isRunning).orElse(false);
    }

    @Override
    public Long getTotalTimeMs() {
        return boxed(control.queryMigrate().totalTime());
    }

    @Override
    public Long getSetupTimeMs() {
        return boxed(control.queryMigrate().setupTime());
    }

    @Override
    public Long getExpectedDowntimeMs() {
        return boxed(control.queryMigrate().expectedDowntime());
    }

    @Override
    public Long getDowntimeMs() {
        return boxed(control.queryMigrate().downtime());
    }

    @Override
    public Long getPredictedDowntimeMs() {
        return boxed(control.queryMigrate().predictedDowntime());
    }

    @Override
    public Long getRemainingBytes() {
        return boxed(control.queryMigrate().remaining());
    }

    @Override
    public Long getPendingPrecopyBytes() {
        return pending(Pending::precopy);
    }

    @Override
    public Long getPendingStopcopyBytes() {
        return pending(Pending::stopcopy);
    }

    @Override
    public Long getPendingPostcopyBytes() {
        return pending(Pending::postcopy);
    }

    @Override
    public Long getTransferredBytes() {
        return ram(MigrationRamStats::transferred);
    }

    @Override
    public Long getDirtyPagesRate() {
        return ram(MigrationRamStats::dirtyPagesRate);
    }

    @Override
    public Long getPass() {
        return boxed(control.queryMigrate().pass());
    }

    @Override
    public Long getThresholdBytes() {
        return boxed(control.queryMigrate().thresholdBytes());
    }

    @Override
    public Long getSwitchoverBandwidth() {
        return boxed(control.queryMigrate().switchoverBandwidth());
    }

    @Override
    public Long getLinkBandwidth() {
        return boxed(control.queryMigrate().linkBandwidth());
    }

    @Override
    public Long getThroughput() {
        return boxed(control.queryMigrate().throughput());
    }

    @Override
    public String getErrorDescription() {
        return control.queryMigrate().errorDesc().orElse(null);
    }

    @Override
    public List<String> getClampedDevices() {
        return control.queryMigrate().clampedDevices();
    }

    @Override
    public Map<String, Long> getDeviceStatistics() {
        Map<String, Long> all = new java.util.TreeMap<>();
        for (DeviceReport d : control.queryDevices()) {
            d.statistics().forEach((name, value) -> all.put(d.id() + "." + name, value));
        }
        return all;
    }

    @Override
    public void cancel() {
        control.migrateCancel();
    }

    private Long pending(Function<Pending, Long> bucket) {
        return control.queryMigrate().pending().map(bucket).orElse(null);
    }

    private Long ram(Function<MigrationRamStats, Long> member) {
        Optional<MigrationRamStats> ram = control.queryMigrate().ram();
        return ram.map(member).orElse(null);
    }

    private static Long boxed(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : null;
    }

    /** The status, for logs. */
    @Override
    public String toString() {
        return "MigrationBean[" + getStatus() + "]";
    }
}
