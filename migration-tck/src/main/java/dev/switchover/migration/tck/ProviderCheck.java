package dev.switchover.migration.tck;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.MigrationDeviceProvider;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * {@link Rule#PROVIDER01}: the provider is found the way the core finds it, through {@link
 * ServiceLoader}, with the class loader of the provider class (the application class loader on
 * the module path, where only a {@code provides} clause makes it visible); its type is unique;
 * the api version it reports is one this api hosts, and is the version it was compiled against
 * rather than {@link ApiVersion#runtime()}; and it creates a device.
 */
final class ProviderCheck {

    /** What {@link MigrationDeviceProvider#type()} allows: lower case, digits and {@code -}. */
    private static final String IDIOM = "return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR), whose "
            + "constants javac copies into the provider's class file: the version it was compiled against";

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
        compatible(type, ours, cls, v.deviceCallTimeout());
        compiledAgainstNotRuntime(cls);
        createsADevice(v, ours, cls);
    }

    /**
     * The version the provider reports must be one the running api hosts, checked the way the
     * core checks it, with the core's message.
     */
    private static void compatible(String type, MigrationDeviceProvider provider, Class<?> cls,
                                   java.time.Duration timeout) {
        ApiVersion api;
        try {
            api = DeviceCallTimeout.call(timeout, cls.getName() + ".apiVersion()", null, provider::apiVersion);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(cls.getName() + ".apiVersion() threw " + e, e);
        }
        if (api == null) {
            throw new AssertionError(cls.getName() + ".apiVersion() returned null; " + IDIOM);
        }
        ApiVersion.runtime().refusal(type, api).ifPresent(refusal -> {
            throw new AssertionError(refusal + ": " + cls.getName() + ".apiVersion() is " + api
                    + ", which the core of this api refuses to load");
        });
    }

    /**
     * The provider's {@code apiVersion()} must not call {@link ApiVersion#runtime()}: that reports
     * the api it runs on, so the core's check could never fail. Read from the class file that
     * declares the method (the JDK's class-file api); skipped if that file can not be read.
     */
    private static void compiledAgainstNotRuntime(Class<?> cls) {
        Class<?> owner;
        try {
            owner = cls.getMethod("apiVersion").getDeclaringClass();
        } catch (NoSuchMethodException e) {
            return;
        }
        byte[] bytes = classFile(owner);
        if (bytes == null) {
            return;
        }
        String api = ApiVersion.class.getName().replace('.', '/');
        for (MethodModel m : ClassFile.of().parse(bytes).methods()) {
            if (!m.methodName().equalsString("apiVersion") || !m.methodType().stringValue().startsWith("()L" + api)) {
                continue;
            }
            for (CodeElement e : m.code().map(c -> c.elementList()).orElse(List.of())) {
                if (e instanceof InvokeInstruction i && i.owner().asInternalName().equals(api)
                        && i.name().equalsString("runtime")) {
                    throw new AssertionError(owner.getName() + ".apiVersion() returns ApiVersion.runtime(), the "
                            + "version of the api it runs on, so the core's check can never refuse it; " + IDIOM);
                }
            }
        }
    }

    private static byte[] classFile(Class<?> c) {
        String name = c.getName();
        try (InputStream in = c.getResourceAsStream(name.substring(name.lastIndexOf('.') + 1) + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
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
