package dev.switchover.migration.api;

import java.util.Optional;

/**
 * A version of this api: the one a device was <em>compiled</em> against, and the one a host
 * <em>runs</em>. The core compares the two when it loads a provider (the handshake SLF4J 2 uses).
 *
 * <h2>Compiled against, not run with</h2>
 * {@link #MAJOR} and {@link #MINOR} are compile-time constants, so {@code javac} copies their
 * values into the class file of every class that names them. A provider that returns
 * <pre>{@code
 * return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
 * }</pre>
 * therefore keeps reporting the api it was built with, whichever api jar it later runs on. The
 * host's side is {@link #runtime()}, a method and not a constant: it answers from the api jar
 * that is loaded, so a device built against api 1.3 and dropped into a host of api 1.0 reports
 * {@code 1.3} and is refused, rather than reporting whatever the host has.
 *
 * <p>Only a device's own class file can carry what it was compiled against; a default method or
 * a base class in this module could not, because its code would be this module's code, compiled
 * with this module's constants, and would report the host's version. That is why {@code
 * MigrationDeviceProvider.apiVersion()} has no default and the idiom above is the one to write.
 *
 * <h2>Compatibility</h2>
 * A device runs on a host whose major version equals its own and whose minor version is the
 * same or newer ({@link #canHost}). Minor versions only add (default methods, new optional
 * types); a major version removes or changes something.
 *
 * @param major incompatible changes
 * @param minor compatible additions
 * @since 0.1
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {

    /**
     * The major version of this api, as a compile-time constant: {@code javac} inlines it into
     * the class that names it. Read the running api's version with {@link #runtime()}.
     */
    public static final int MAJOR = 1;

    /**
     * The minor version of this api, as a compile-time constant: {@code javac} inlines it into
     * the class that names it. Read the running api's version with {@link #runtime()}.
     *
     * <p>1.1 added {@code spi.support.PendingLedger} and {@link DeviceCall} (in {@code
     * MigrationInfo.deviceCall} and {@code DeviceReport.callInFlight}). 1.2 added the
     * destination's own load and resume figures to {@link DowntimeBreakdown} and {@code
     * MigrationDevice.migratesOnlyWith()} (a device whose state moves only under a capability,
     * as QEMU's block dirty bitmaps under {@code dirty-bitmaps}).
     */
    public static final int MINOR = 2;

    /** Evaluated when this class initialises, from this jar's constants: the running api. */
    private static final ApiVersion RUNTIME = new ApiVersion(MAJOR, MINOR);

    /**
     * @throws IllegalArgumentException if a component is negative
     */
    public ApiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("api version components can not be negative");
        }
    }

    /**
     * The version of the api jar this JVM runs, for the host's side of the handshake. A device
     * never returns it from {@code apiVersion()}: it would report the host's version, not its
     * own, and the check could never fail (the conformance kit refuses a provider that does).
     */
    public static ApiVersion runtime() {
        return RUNTIME;
    }

    /** Whether a device compiled against {@code device} can run on a host of this version. */
    public boolean canHost(ApiVersion device) {
        return device.major == major && device.minor <= minor;
    }

    /**
     * Why a host of this version refuses device type {@code deviceType} compiled against
     * {@code device}, or empty when it can host it. The text is what users see:
     * {@code device nic needs migration-api 1.3, this host provides 1.0} for a newer minor
     * version, with {@code (major versions differ)} appended for another major version.
     */
    public Optional<String> refusal(String deviceType, ApiVersion device) {
        if (canHost(device)) {
            return Optional.empty();
        }
        String text = "device " + deviceType + " needs migration-api " + device + ", this host provides " + this;
        return Optional.of(device.major == major ? text : text + " (major versions differ)");
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
