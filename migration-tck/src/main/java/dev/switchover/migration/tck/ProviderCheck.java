package dev.switchover.migration.tck;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.MigrationDeviceProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * {@link Rule#PROVIDER01}: the provider is found the way the core finds it, through {@link
 * ServiceLoader}, with the class loader of the provider class (the application class loader on
 * the module path, where only a {@code provides} clause makes it visible).
 */
final class ProviderCheck {

    /** What {@link MigrationDeviceProvider#type()} allows: lower case, digits and {@code -}. */
    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9-]*");

    private ProviderCheck() {
    }

    static void discoverableUniqueCompatible(MigrationDeviceVerification v) {
        String type = v.providerType();
        Class<? extends MigrationDeviceProvider> cls = v.providerClass();
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new AssertionError("providerType() is " + (type == null ? "null" : "'" + type + "'")
                    + "; a device type is lower case letters, digits and '-'");
        }
        if (cls == null) {
            throw new AssertionError("providerClass() returned null");
        }
        String where = cls.getModule().isNamed() ? "in module " + cls.getModule().getName() : "on the class path";
        ClassLoader loader = cls.getClassLoader() != null ? cls.getClassLoader()
                : Thread.currentThread().getContextClassLoader();

        MigrationDeviceProvider ours = null;
        List<String> sameType = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<MigrationDeviceProvider> p
                    : ServiceLoader.load(MigrationDeviceProvider.class, loader).stream().toList()) {
                if (p.type() == cls) {
                    ours = instantiate(p, cls);
                } else if (type.equals(typeOf(p))) {
                    sameType.add(p.type().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new AssertionError("ServiceLoader failed to list MigrationDeviceProvider providers: " + e, e);
        }
        if (ours == null) {
            throw new AssertionError("ServiceLoader does not find " + cls.getName() + " (" + where + ") among the "
                    + "MigrationDeviceProvider providers");
        }
        if (!type.equals(ours.type())) {
            throw new AssertionError(cls.getName() + ".type() is '" + ours.type() + "', but providerType() is '"
                    + type + "'");
        }
        if (!sameType.isEmpty()) {
            throw new AssertionError("type '" + type + "' is provided by " + cls.getName() + " and also by " + sameType
                    + "; the core refuses two providers of one type");
        }
        ApiVersion api = ours.apiVersion();
        if (api == null || !ApiVersion.CURRENT.canHost(api)) {
            throw new AssertionError(cls.getName() + ".apiVersion() is " + api + ", which a host of api "
                    + ApiVersion.CURRENT + " can not load (same major version, minor not newer)");
        }
        createsADevice(v, ours, cls);
    }

    private static MigrationDeviceProvider instantiate(ServiceLoader.Provider<MigrationDeviceProvider> p,
                                                       Class<?> cls) {
        try {
            return p.get();
        } catch (ServiceConfigurationError | RuntimeException e) {
            throw new AssertionError("ServiceLoader found " + cls.getName() + " but could not instantiate it: " + e
                    + "; the public no-argument constructor must be cheap and must not fail", e);
        }
    }

    /** The type of another provider, or {@code null} if it can not be instantiated (not ours to judge). */
    private static String typeOf(ServiceLoader.Provider<MigrationDeviceProvider> p) {
        try {
            return p.get().type();
        } catch (ServiceConfigurationError | RuntimeException e) {
            return null;
        }
    }

    private static void createsADevice(MigrationDeviceVerification v, MigrationDeviceProvider provider,
                                       Class<?> cls) {
        try {
            DeviceFixture.create(MigrationDeviceVerification.DEVICE_ID, v.deviceProperties(), RunState.PAUSED,
                    provider::create);
        } catch (RuntimeException e) {
            throw new AssertionError(cls.getName() + ".create() with " + v.deviceProperties() + " threw " + e, e);
        }
    }
}
