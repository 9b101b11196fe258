package dev.switchover.migration.tck;

import dev.switchover.migration.spi.MigrationDevice;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/** The checks of the verification's own hooks: {@link Rule#VALIDATE01} and {@link Rule#VALIDATE02}. */
final class HookChecks {

    private HookChecks() {
    }

    /** {@link Rule#VALIDATE01}: two {@code dirty} calls in a row each change the state digest. */
    static void dirtyChangesState(MigrationDeviceVerification v) {
        DeviceFixture f = v.newSource();
        byte[] before = digest(f, "before dirty()");
        v.dirtyWithin(f);
        byte[] once = digest(f, "after dirty()");
        if (Arrays.equals(before, once)) {
            throw new AssertionError("stateDigest() is " + hex(before) + " both before and after dirty(device)");
        }
        v.dirtyWithin(f);
        byte[] twice = digest(f, "after a second dirty()");
        if (Arrays.equals(once, twice)) {
            throw new AssertionError("the first dirty(device) changed stateDigest(), the second did not (still "
                    + hex(once) + "): each call must make a new change, e.g. write a counter, not a constant");
        }
    }

    /** {@link Rule#VALIDATE02}: every property is read at creation; tolerance and deadline are usable. */
    static void propertiesAndHooksAreValid(MigrationDeviceVerification v) {
        Map<String, String> props = v.deviceProperties();
        if (props == null) {
            throw new AssertionError("deviceProperties() returned null; return Map.of() for a device without any");
        }
        DeviceFixture f = v.newSource();
        Set<String> unread = f.context().properties().unreadKeys();
        if (!unread.isEmpty()) {
            throw new AssertionError("the device never read the properties " + unread + " of " + props
                    + "; the core would reject this spec as naming unknown properties (it reads "
                    + f.context().properties().readKeys() + ")");
        }
        for (long payload : new long[]{0, 4096, 1 << 20, Long.MAX_VALUE}) {
            long t = v.framingTolerance(payload);
            if (t < 0) {
                throw new AssertionError("framingTolerance(" + payload + ") is " + t + "; it must not be negative");
            }
        }
        Duration deadline = v.estimateDeadline();
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new AssertionError("estimateDeadline() is " + deadline + "; it must be a positive duration");
        }
    }

    private static byte[] digest(DeviceFixture f, String when) {
        byte[] digest;
        try {
            digest = f.call("stateDigest() " + when, null, () -> f.device().stateDigest());
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("stateDigest() " + when + " threw " + e, e);
        }
        if (digest == null) {
            throw new AssertionError("stateDigest() " + when + " returned null");
        }
        return digest;
    }

    static String hex(byte[] b) {
        String h = HexFormat.of().formatHex(b);
        return h.length() > 16 ? h.substring(0, 16) + "…" : h;
    }
}
