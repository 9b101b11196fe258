package dev.switchover.migration.spi;

import dev.switchover.migration.api.ApiVersion;

/**
 * The {@link java.util.ServiceLoader} type a device module provides:
 * <pre>{@code
 * module com.example.device.nic {
 *     requires dev.switchover.migration.api;
 *     provides dev.switchover.migration.spi.MigrationDeviceProvider with com.example.device.nic.NicProvider;
 * }
 * }</pre>
 *
 * <p>A provider is the factory; {@link MigrationDevice} is the product. The core instantiates
 * every provider on the module path (and in its plugin folder) when it starts, so the public
 * no-argument constructor must be cheap and must not fail: do real work in {@link #create}.
 *
 * <p><b>Thread:</b> any host thread, before a machine exists. <b>Run state:</b> none yet.
 * <b>If a method throws:</b> the provider is reported by its module and class name and the
 * machine that asked for its type is not built; other device types are unaffected.
 *
 * @since 0.1
 */
public interface MigrationDeviceProvider {

    /**
     * The device type users name in a device spec ({@code ram,id=ram0,size=1G} names
     * {@code ram}): lower case, digits and {@code -}, unique among the providers the core
     * sees. Two providers of one type are an error, never a silent choice.
     */
    String type();

    /**
     * The api version this provider was <em>compiled</em> against. Implement it with exactly
     * <pre>{@code
     * @Override
     * public ApiVersion apiVersion() {
     *     return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
     * }
     * }</pre>
     * {@code javac} inlines the two constants into your class file, so the answer stays the
     * version you built against whichever api jar the device later runs on. The core compares
     * it with the api it runs ({@link ApiVersion#runtime()}) when the type is asked for, and
     * refuses a device compiled against a newer minor version or another major version:
     * {@code device example-nic needs migration-api 1.3, this host provides 1.0}.
     *
     * <p>There is deliberately no default: a default method's code lives in the api jar and
     * would report the host's version. Never return {@link ApiVersion#runtime()} (the
     * conformance kit's rule {@code provider01} refuses a provider that calls it).
     *
     * <p><b>If it throws or returns {@code null}:</b> the type is refused, naming the provider.
     */
    ApiVersion apiVersion();

    /** One line for {@code --help} and error messages that list the available types. */
    default String description() {
        return type();
    }

    /**
     * Creates one device instance from its validated context.
     *
     * <p>Read every property the device understands through {@link DeviceContext#properties()};
     * the core rejects the spec afterwards if it names a property the device never read, so a
     * typo is an error rather than a silently ignored setting.
     *
     * <p><b>If it throws:</b> the machine is not built. An {@link IllegalArgumentException}'s
     * message is shown to the user as it is; any other exception as {@code device 'nic0'
     * (example-nic) failed to start: <exception>}. Nothing is migrating yet, so the {@link
     * DeviceException}s do not apply here.
     *
     * @throws IllegalArgumentException for a property value the device does not accept; say
     *                                  which property and what a good value looks like
     */
    MigrationDevice create(DeviceContext context);
}
