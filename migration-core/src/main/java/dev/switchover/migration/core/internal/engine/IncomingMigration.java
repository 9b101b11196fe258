package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.core.internal.stream.MigrationStreamException;
import dev.switchover.migration.core.internal.stream.ReturnPath;
import dev.switchover.migration.core.internal.stream.ReturnPathMessage;
import dev.switchover.migration.core.internal.stream.MigrationCommand;
import dev.switchover.migration.core.internal.stream.StreamItem;
import dev.switchover.migration.core.internal.stream.StreamReader;
import dev.switchover.migration.core.internal.transport.MigrationChannel;
import dev.switchover.migration.core.internal.transport.Transports;
import dev.switchover.migration.spi.SectionKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The destination side of one migration, on its own thread: accept one connection, load every
 * section, and only when the stream ended with every device complete, run the machine and
 * acknowledge on the return path ({@code SHUT 0}).
 *
 * <p>On any failure — a corrupt or truncated stream, a section for a device this machine does
 * not have, a device that throws — the machine stays in {@code inmigrate} (it never runs half a
 * state), the status becomes {@code failed} with a reason, and the source is told the reason
 * on the return path so it can resume.
 */
public final class IncomingMigration implements Runnable {

    private static final System.Logger LOG = System.getLogger(IncomingMigration.class.getName());
    static final int BUFFER_BYTES = 256 << 10;

    private final MachineHooks machine;
    private final Transports.Listener listener;
    private volatile MigrationStatus status = MigrationStatus.SETUP;
    private volatile String error;
    private volatile MigrationChannel channel;
    private volatile boolean returnPath;

    public IncomingMigration(MachineHooks machine, Transports.Listener listener) {
        this.machine = machine;
        this.listener = listener;
    }

    /** Where this destination listens (the actual port for {@code tcp:...:0}). */
    public String boundUri() {
        return listener.boundUri();
    }

    /** QEMU's destination reply: the status, and the reason once failed. */
    public MigrationInfo info() {
        MigrationInfo.Builder b = MigrationInfo.builder().status(status);
        if (error != null) {
            b.errorDesc(error);
        }
        return b.build();
    }

    public MigrationStatus status() {
        return status;
    }

    /** Stops waiting or loading; the machine stays in {@code inmigrate}. */
    public void cancel() {
        closeQuietly();
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the listener failed", e);
        }
    }

    @Override
    public void run() {
        List<DeviceSlot> devices = machine.devices().stream().filter(IncomingMigration::active).toList();
        try {
            try (listener) {
                channel = listener.accept();
            }
            setStatus(MigrationStatus.ACTIVE);
            load(devices);
            machine.changeRunState(RunState.RUNNING);
            setStatus(MigrationStatus.COMPLETED);
            if (returnPath) {
                ReturnPath.write(channel.output(), new ReturnPathMessage.Shut(0));
            }
        } catch (Throwable t) {
            String reason = t instanceof DeviceCallException || t instanceof MigrationStreamException
                    ? t.getMessage() : DeviceCallException.describe(t);
            if (t instanceof java.io.EOFException) {
                reason = "the migration stream ended early (the source went away?)";
            }
            error = reason;
            LOG.log(System.Logger.Level.WARNING, "incoming migration failed: {0}", reason);
            tellSource(reason);
            setStatus(MigrationStatus.FAILED);
        } finally {
            for (int i = devices.size() - 1; i >= 0; i--) {
                try {
                    devices.get(i).device().loadCleanup();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "device " + devices.get(i).id() + " failed in loadCleanup", e);
                }
            }
            closeQuietly();
        }
    }

    private void load(List<DeviceSlot> devices) throws IOException, DeviceCallException {
        StreamReader reader = new StreamReader(channel.input(), BUFFER_BYTES);
        reader.readHeader();
        for (DeviceSlot s : devices) {
            try {
                s.device().loadSetup();
            } catch (IOException | RuntimeException e) {
                throw new DeviceCallException(s.id(), "loadSetup", e);
            }
        }
        Map<String, DeviceSlot> byName = new HashMap<>();
        for (DeviceSlot s : devices) {
            byName.put(s.section() + "/" + s.instance(), s);
        }
        Map<Integer, DeviceSlot> bySectionId = new HashMap<>();
        Map<Integer, Integer> versionBySectionId = new HashMap<>();
        Set<DeviceSlot> complete = new HashSet<>();
        while (true) {
            StreamItem item = reader.next();
            switch (item) {
                case StreamItem.Section sec when sec.kind() == SectionKind.START || sec.kind() == SectionKind.FULL -> {
                    DeviceSlot s = byName.get(sec.idstr() + "/" + sec.instanceId());
                    if (s == null) {
                        throw new MigrationStreamException("the stream carries section '" + sec.idstr() + "' instance "
                                + sec.instanceId() + ", which this machine does not have (it has: "
                                + String.join(", ", byName.keySet().stream().sorted().toList()) + ")");
                    }
                    if (bySectionId.putIfAbsent(sec.sectionId(), s) != null) {
                        throw new MigrationStreamException("section id " + sec.sectionId() + " is started twice");
                    }
                    checkVersion(s, sec.versionId());
                    versionBySectionId.put(sec.sectionId(), sec.versionId());
                    loadOne(reader, s, sec, sec.versionId());
                    if (sec.kind() == SectionKind.FULL) {
                        complete.add(s);
                    }
                }
                case StreamItem.Section sec -> {
                    DeviceSlot s = bySectionId.get(sec.sectionId());
                    if (s == null) {
                        throw new MigrationStreamException("section id " + sec.sectionId() + " continues before it started");
                    }
                    if (complete.contains(s)) {
                        throw new MigrationStreamException("device '" + s.id() + "' sent data after its END section");
                    }
                    loadOne(reader, s, sec, versionBySectionId.get(sec.sectionId()));
                    if (sec.kind() == SectionKind.END) {
                        complete.add(s);
                    }
                }
                case StreamItem.Command cmd -> command(cmd);
                case StreamItem.Eof eof -> {
                    for (DeviceSlot s : devices) {
                        if (!complete.contains(s)) {
                            throw new MigrationStreamException("the stream ended before device '" + s.id()
                                    + "' (section " + s.section() + ") completed");
                        }
                    }
                    reader.readVmDescription();
                    return;
                }
            }
        }
    }

    /** Loads one section payload with the version its START/FULL header carried. */
    private void loadOne(StreamReader reader, DeviceSlot s, StreamItem.Section sec, int version)
            throws IOException, DeviceCallException {
        try {
            s.device().loadSection(reader.payload(), sec.kind(), version);
        } catch (MigrationStreamException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DeviceCallException(s.id(), "loadSection(" + sec.kind() + ")", e);
        }
        reader.readFooter(sec.sectionId());
    }

    private static void checkVersion(DeviceSlot s, int version) throws MigrationStreamException {
        int max = s.device().sectionVersion();
        int min = s.device().minimumSectionVersion();
        if (version < min || version > max) {
            throw new MigrationStreamException("device '" + s.id() + "': the stream's section version " + version
                    + " is outside the versions this device reads (" + min + ".." + max + ")");
        }
    }

    private void command(StreamItem.Command cmd) throws IOException {
        MigrationCommand command = MigrationCommand.of(cmd.command()).orElseThrow(
                () -> new MigrationStreamException("unknown stream command " + cmd.command()));
        switch (command) {
            case OPEN_RETURN_PATH -> returnPath = channel.hasReturnPath();
            case PING -> {
                if (returnPath) {
                    int value = cmd.data().length >= 4 ? ByteBuffer.wrap(cmd.data()).getInt() : 0;
                    ReturnPath.write(channel.output(), new ReturnPathMessage.Pong(value));
                }
            }
            default -> throw new MigrationStreamException("unsupported stream command " + command);
        }
    }

    private void tellSource(String reason) {
        MigrationChannel c = channel;
        if (c == null || !returnPath) {
            return;
        }
        try {
            ReturnPath.write(c.output(), new ReturnPathMessage.Error(reason.length() > 4000 ? reason.substring(0, 4000) : reason));
            ReturnPath.write(c.output(), new ReturnPathMessage.Shut(1));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not tell the source why loading failed", e);
        }
    }

    private static boolean active(DeviceSlot s) {
        try {
            return s.device().isActive();
        } catch (RuntimeException e) {
            return true;
        }
    }

    private void setStatus(MigrationStatus s) {
        status = s;
        machine.statusChanged(s);
    }

    private void closeQuietly() {
        MigrationChannel c = channel;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the migration channel failed", e);
            }
        }
    }
}
