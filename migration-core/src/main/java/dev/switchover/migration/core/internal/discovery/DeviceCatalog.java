package dev.switchover.migration.core.internal.discovery;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.MigrationDeviceProvider;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The device types this core can build: every {@link MigrationDeviceProvider} found with
 * {@link ServiceLoader} in the boot layer (the {@code --module-path}) and in an optional plugin
 * folder, loaded into a child {@link ModuleLayer}.
 *
 * <p>Problems never disappear silently: a provider that fails to load, two providers of one
 * type, or a provider built for an api version this core can not host are kept as {@link
 * #problems()} and reported when that type is asked for (or, for a provider whose type could
 * not even be read, whenever a type is unknown).
 *
 * <p><b>The api-version handshake.</b> A provider reports the api it was <em>compiled</em>
 * against ({@code new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR)}, constants {@code javac}
 * copied into its class file); the catalog compares that with the api this JVM <em>runs</em>,
 * {@link ApiVersion#runtime()}, read from the loaded api jar. A device compiled against a newer
 * minor version, or another major version, is refused when its type is asked for:
 * {@code device nic needs migration-api 1.3, this host provides 1.0}.
 */
public final class DeviceCatalog {

    private static final System.Logger LOG = System.getLogger(DeviceCatalog.class.getName());

    private final Map<String, List<MigrationDeviceProvider>> byType;
    private final List<String> problems;
    private final ApiVersion host;

    private DeviceCatalog(Map<String, List<MigrationDeviceProvider>> byType, List<String> problems, ApiVersion host) {
        this.byType = byType;
        this.problems = List.copyOf(problems);
        this.host = host;
    }

    /**
     * Providers of the boot layer (the {@code --module-path}), and of the class path for
     * embedders that run without modules (there a device needs a {@code META-INF/services} entry).
     */
    public static DeviceCatalog boot() {
        return load(List.of(ServiceLoader.load(MigrationDeviceProvider.class)));
    }

    /**
     * Providers of the boot layer plus those in the jars of {@code pluginDir} (a child layer).
     *
     * @throws IllegalArgumentException if the folder's modules do not resolve, if the folder holds
     *                                  two jars of one module, or if a module in it is on the module
     *                                  path too (the message names both jars): one of the two would
     *                                  otherwise be picked silently
     */
    public static DeviceCatalog withPlugins(Path pluginDir) {
        if (pluginDir == null || !Files.isDirectory(pluginDir)) {
            return boot();
        }
        ModuleFinder finder = ModuleFinder.of(pluginDir);
        Set<ModuleReference> found;
        try {
            found = finder.findAll();
        } catch (FindException e) {
            throw new IllegalArgumentException("device plugins in " + pluginDir + ": " + e.getMessage(), e);
        }
        requireNotOnTheModulePath(pluginDir, found, ModuleLayer.boot());
        Set<String> names = found.stream().map(ModuleReference::descriptor)
                .map(java.lang.module.ModuleDescriptor::name)
                .collect(Collectors.toSet());
        if (names.isEmpty()) {
            return boot();
        }
        ModuleLayer parent = ModuleLayer.boot();
        Configuration cf;
        try {
            cf = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), names);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("device plugins in " + pluginDir + " do not resolve: " + e.getMessage(), e);
        }
        ModuleLayer layer = parent.defineModulesWithOneLoader(cf, DeviceCatalog.class.getClassLoader());
        return load(List.of(ServiceLoader.load(MigrationDeviceProvider.class),
                ServiceLoader.load(layer, MigrationDeviceProvider.class)));
    }

    /**
     * Refuses a module of the plugin folder that {@code boot} already has: the same module
     * reachable twice, from the module path and from {@code --plugins}.
     *
     * @throws IllegalArgumentException naming the module and both jars
     */
    static void requireNotOnTheModulePath(Path pluginDir, Set<ModuleReference> plugins, ModuleLayer boot) {
        List<String> twice = new ArrayList<>();
        for (ModuleReference plugin : plugins) {
            String name = plugin.descriptor().name();
            boot.configuration().findModule(name).ifPresent(loaded -> twice.add("module " + name + " is in "
                    + where(plugin) + " and on the module path as " + where(loaded.reference())));
        }
        if (!twice.isEmpty()) {
            twice.sort(null);
            throw new IllegalArgumentException(String.join("; ", twice) + ": a device module must be reachable "
                    + "once; remove it from the module path or from the plugins folder " + pluginDir);
        }
    }

    private static String where(ModuleReference ref) {
        return ref.location().map(u -> "file".equals(u.getScheme()) ? Path.of(u).toString() : u.toString())
                .orElse("(no location)");
    }

    /** Builds a catalog from explicit providers (tests, embedders). */
    public static DeviceCatalog of(List<MigrationDeviceProvider> providers) {
        return of(providers, ApiVersion.runtime());
    }

    /** A catalog whose host claims api {@code host}: for tests of the handshake. */
    static DeviceCatalog of(List<MigrationDeviceProvider> providers, ApiVersion host) {
        Map<String, List<MigrationDeviceProvider>> map = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (MigrationDeviceProvider p : providers) {
            register(map, problems, p);
        }
        return new DeviceCatalog(map, problems, host);
    }

    private static DeviceCatalog load(List<ServiceLoader<MigrationDeviceProvider>> loaders) {
        Map<String, List<MigrationDeviceProvider>> map = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        Set<Class<?>> seen = new java.util.HashSet<>();
        for (ServiceLoader<MigrationDeviceProvider> loader : loaders) {
            var it = loader.stream().iterator();
            while (true) {
                ServiceLoader.Provider<MigrationDeviceProvider> handle;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    handle = it.next();
                } catch (ServiceConfigurationError e) {
                    problems.add("a device provider could not be loaded: " + describe(e));
                    LOG.log(System.Logger.Level.WARNING, "device provider failed to load", e);
                    continue;
                }
                if (!seen.add(handle.type())) {
                    continue;
                }
                try {
                    register(map, problems, handle.get());
                } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                    problems.add("device provider " + handle.type().getName() + " in module "
                            + handle.type().getModule().getName() + " failed to start: " + describe(e));
                    LOG.log(System.Logger.Level.WARNING, "device provider failed to start", e);
                }
            }
        }
        return new DeviceCatalog(map, problems, ApiVersion.runtime());
    }

    private static void register(Map<String, List<MigrationDeviceProvider>> map, List<String> problems,
                                 MigrationDeviceProvider p) {
        String type;
        try {
            type = p.type();
        } catch (RuntimeException e) {
            problems.add("device provider " + origin(p) + " failed to name its type: " + describe(e));
            return;
        }
        if (type == null || type.isBlank()) {
            problems.add("device provider " + origin(p) + " names no type");
            return;
        }
        map.computeIfAbsent(type, k -> new ArrayList<>()).add(p);
    }

    /**
     * The one provider of {@code type}.
     *
     * @throws IllegalArgumentException if the type is unknown (the message lists the available
     *                                  types and any provider that failed to load), provided
     *                                  twice, or compiled against an api version this core can
     *                                  not host ({@code device nic needs migration-api 1.3, this
     *                                  host provides 1.0})
     */
    public MigrationDeviceProvider provider(String type) {
        List<MigrationDeviceProvider> ps = byType.get(type);
        if (ps == null || ps.isEmpty()) {
            StringBuilder msg = new StringBuilder("unknown device type '").append(type).append("'; available: ")
                    .append(byType.isEmpty() ? "(none)" : String.join(", ", types()));
            if (!problems.isEmpty()) {
                msg.append("; problems: ").append(String.join("; ", problems));
            }
            throw new IllegalArgumentException(msg.toString());
        }
        if (ps.size() > 1) {
            throw new IllegalArgumentException("device type '" + type + "' is provided more than once: "
                    + ps.stream().map(DeviceCatalog::origin).collect(Collectors.joining(", "))
                    + "; remove all but one from the module path");
        }
        MigrationDeviceProvider p = ps.getFirst();
        ApiVersion v;
        try {
            v = p.apiVersion();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("device type '" + type + "' (" + origin(p)
                    + ") failed to report its api version: " + describe(e), e);
        }
        if (v == null) {
            throw new IllegalArgumentException("device type '" + type + "' (" + origin(p)
                    + ") failed to report its api version: apiVersion() returned null");
        }
        Optional<String> refusal = host.refusal(type, v);
        if (refusal.isPresent()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: refusing {1}, compiled against api {2}", refusal.get(),
                    origin(p), v);
            throw new IllegalArgumentException(refusal.get());
        }
        return p;
    }

    /** The known device types, sorted. */
    public List<String> types() {
        return List.copyOf(byType.keySet());
    }

    /** Type → one-line description, for {@code --help}. */
    public Map<String, String> descriptions() {
        Map<String, String> out = new LinkedHashMap<>();
        byType.forEach((t, ps) -> {
            String d;
            try {
                d = ps.getFirst().description();
            } catch (RuntimeException e) {
                d = t;
            }
            out.put(t, d);
        });
        return out;
    }

    /** Providers that could not be loaded or registered, described for a person. */
    public List<String> problems() {
        return problems;
    }

    static String origin(MigrationDeviceProvider p) {
        Module m = p.getClass().getModule();
        return p.getClass().getName() + (m.isNamed() ? " in module " + m.getName() : " on the class path");
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = e.getMessage();
        if (root != e) {
            msg = msg + " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return msg;
    }
}
