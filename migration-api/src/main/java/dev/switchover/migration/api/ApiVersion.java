package dev.switchover.migration.api;

/**
 * The version of this SPI a device was built against, checked when the core loads a provider
 * (the handshake SLF4J 2 uses).
 *
 * <p>Rule: a device is compatible when its major version equals the host's and its minor
 * version is not newer than the host's. Minor versions only add (default methods, new
 * optional types); a major version removes or changes something.
 *
 * @param major incompatible changes
 * @param minor compatible additions
 * @since 0.1
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {

    /** The version of the API this jar implements. A device returns this constant. */
    public static final ApiVersion CURRENT = new ApiVersion(1, 0);

    public ApiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("api version components can not be negative");
        }
    }

    /** Whether a device built against {@code device} can run on a host of this version. */
    public boolean canHost(ApiVersion device) {
        return device.major == major && device.minor <= minor;
    }

    @Override
    public int compareTo(ApiVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
