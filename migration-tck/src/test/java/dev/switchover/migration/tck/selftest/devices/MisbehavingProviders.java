package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;

/**
 * Providers of the reference device that get the provider contract wrong, one way each (the
 * JDK's one-fixture-per-misbehaviour habit). Each fails provider01 only.
 */
public final class MisbehavingProviders {

    private MisbehavingProviders() {
    }

    /** The shared part: a correct provider of {@link ChunkedDevice} under some type. */
    abstract static class Base implements MigrationDeviceProvider {
        @Override
        public ApiVersion apiVersion() {
            return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
        }

        @Override
        public MigrationDevice create(DeviceContext context) {
            return new ChunkedDevice(context);
        }
    }

    /** One of two providers registered for type {@code tck-twin}. */
    public static final class TwinA extends Base {
        @Override
        public String type() {
            return "tck-twin";
        }
    }

    /** The other provider registered for type {@code tck-twin}. */
    public static final class TwinB extends Base {
        @Override
        public String type() {
            return "tck-twin";
        }
    }

    /** Built against the next major api version, which this host can not load. */
    public static final class FutureApi extends Base {
        @Override
        public String type() {
            return "tck-future";
        }

        @Override
        public ApiVersion apiVersion() {
            return new ApiVersion(ApiVersion.MAJOR + 1, 0);
        }
    }

    /**
     * Reports the api it runs on instead of the one it was compiled against: the check in the
     * core could never refuse it, whatever it was built with.
     */
    public static final class RuntimeApi extends Base {
        @Override
        public String type() {
            return "tck-runtime-api";
        }

        @Override
        public ApiVersion apiVersion() {
            return ApiVersion.runtime();
        }
    }

    /** Never registered with ServiceLoader: the forgotten {@code provides} clause. */
    public static final class Unlisted extends Base {
        @Override
        public String type() {
            return "tck-unlisted";
        }
    }
}
