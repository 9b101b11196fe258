package dev.switchover.migration.tck.selftest;

import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.migration.tck.selftest.devices.BlockingEstimateDevice;
import dev.switchover.migration.tck.selftest.devices.ChunkedDevice;
import dev.switchover.migration.tck.selftest.devices.CleanupNeedsSetupDevice;
import dev.switchover.migration.tck.selftest.devices.DoubleCountingDevice;
import dev.switchover.migration.tck.selftest.devices.InvertedVersionDevice;
import dev.switchover.migration.tck.selftest.devices.MisbehavingProviders;
import dev.switchover.migration.tck.selftest.devices.NegativeFiguresDevice;
import dev.switchover.migration.tck.selftest.devices.NoRoundTripDevice;
import dev.switchover.migration.tck.selftest.devices.OldVfioDevice;
import dev.switchover.migration.tck.selftest.devices.PostcopyWithoutSupportDevice;
import dev.switchover.migration.tck.selftest.devices.ShrinkingStopCopyEstimateDevice;
import dev.switchover.migration.tck.selftest.devices.StaleStopCopyDevice;

import java.util.HashMap;
import java.util.Map;

/**
 * The verifications {@link BrokenDevicesTest} runs through JUnit's EngineTestKit, one per
 * mistake. Nested, so surefire does not run them on their own (most are meant to fail).
 */
final class Verifications {

    private Verifications() {
    }

    /** The reference device, with the EXACT seam: passes every rule. */
    static final class Reference extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new ChunkedDevice(ctx);
        }
    }

    /** The reference device without the EXACT seam: pending04 races instead, and passes. */
    static final class ReferenceWithoutSeam extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new ChunkedDevice(ctx);
        }

        @Override
        protected boolean pauseExactInside(MigrationDevice device, Runnable pause) {
            return false;
        }
    }

    static final class OldVfio extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new OldVfioDevice(ctx);
        }
    }

    static final class DoubleCounting extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new DoubleCountingDevice(ctx);
        }
    }

    static final class NegativeFigures extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new NegativeFiguresDevice(ctx);
        }
    }

    static final class BlockingEstimate extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new BlockingEstimateDevice(ctx);
        }
    }

    static final class NoRoundTrip extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new NoRoundTripDevice(ctx);
        }
    }

    static final class PostcopyWithoutSupport extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new PostcopyWithoutSupportDevice(ctx);
        }
    }

    static final class StaleStopCopy extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new StaleStopCopyDevice(ctx);
        }
    }

    static final class ShrinkingStopCopyEstimate extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new ShrinkingStopCopyEstimateDevice(ctx);
        }
    }

    static final class CleanupNeedsSetup extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new CleanupNeedsSetupDevice(ctx);
        }
    }

    static final class InvertedVersion extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new InvertedVersionDevice(ctx);
        }
    }

    /** A correct device with a dirty hook that does nothing: the round trip would prove nothing. */
    static final class NoOpDirtyHook extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new ChunkedDevice(ctx);
        }

        @Override
        protected void dirty(MigrationDevice device) {
        }
    }

    /** A correct device given a misspelt property ({@code sise}) that it never reads. */
    static final class MisspeltProperty extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new ChunkedDevice(ctx);
        }

        @Override
        protected Map<String, String> deviceProperties() {
            Map<String, String> p = new HashMap<>(super.deviceProperties());
            p.put("sise", "32K");
            return p;
        }
    }

    /** Names a type provided twice. */
    static final class TwinProviders extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new ChunkedDevice(ctx);
        }

        @Override
        protected String providerType() {
            return "tck-twin";
        }

        @Override
        protected Class<? extends MigrationDeviceProvider> providerClass() {
            return MisbehavingProviders.TwinA.class;
        }
    }

    /** Names a provider built against an api this host can not load. */
    static final class FutureApiProvider extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new ChunkedDevice(ctx);
        }

        @Override
        protected String providerType() {
            return "tck-future";
        }

        @Override
        protected Class<? extends MigrationDeviceProvider> providerClass() {
            return MisbehavingProviders.FutureApi.class;
        }
    }

    /** Names a provider that reports the running api instead of the one it was compiled against. */
    static final class RuntimeApiProvider extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new ChunkedDevice(ctx);
        }

        @Override
        protected String providerType() {
            return "tck-runtime-api";
        }

        @Override
        protected Class<? extends MigrationDeviceProvider> providerClass() {
            return MisbehavingProviders.RuntimeApi.class;
        }
    }

    /** Names a provider that was never registered with ServiceLoader. */
    static final class UnlistedProvider extends ChunkedVerification {
        @Override
        ChunkedDevice newDevice(DeviceContext ctx) {
            return new ChunkedDevice(ctx);
        }

        @Override
        protected String providerType() {
            return "tck-unlisted";
        }

        @Override
        protected Class<? extends MigrationDeviceProvider> providerClass() {
            return MisbehavingProviders.Unlisted.class;
        }
    }
}
