package dev.switchover.device.ram;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * Guest memory that costs only what is used: a private anonymous {@code mmap} with {@code
 * MAP_NORESERVE}, called through the FFM {@link Linker}. The kernel hands out a page only when it
 * is first written; a page that is only read maps the shared zero page, so untouched memory is
 * never resident and never needs zeroing. {@code MAP_NORESERVE} lets a machine larger than the
 * host's memory exist as long as it is mostly untouched (a 64 GiB all-zero guest on a 23 GiB
 * host), as QEMU's RAM does.
 *
 * <p>Calling {@code mmap} is a restricted operation: this is used only when the JVM gives this
 * module native access ({@code --enable-native-access=dev.switchover.device.ram}, or {@code
 * ALL-UNNAMED} on the class path), on Linux, on x86-64 or aarch64 (where the flag values below hold).
 * Otherwise {@link #map} answers empty and the caller allocates as before, so a JVM without the
 * flag prints no warning and never fails.
 */
final class AnonymousMapping {

    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MAP_POPULATE = 0x8000;
    private static final int MADV_HUGEPAGE = 14;

    private AnonymousMapping() {
    }

    /** Whether {@link #map} maps memory in this JVM. */
    static boolean available() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("aarch64"))
                && AnonymousMapping.class.getModule().isNativeAccessEnabled();
    }

    /**
     * {@code size} bytes of zeroed memory, not yet resident unless {@code populate} (then every
     * page is faulted in now, {@code MAP_POPULATE}), unmapped when {@code arena} closes; empty
     * when {@link #available()} is false. The range is advised {@code MADV_HUGEPAGE}, as QEMU
     * advises guest RAM, so written memory costs one fault per 2 MiB where the host allows.
     *
     * @throws OutOfMemoryError naming {@code errno} if {@code mmap} fails
     */
    static Optional<MemorySegment> map(long size, boolean populate, Arena arena) {
        if (!available()) {
            return Optional.empty();
        }
        Native n = Native.INSTANCE;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(n.stateLayout);
            MemorySegment addr = (MemorySegment) n.mmap.invokeExact(state, MemorySegment.NULL, size,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (populate ? MAP_POPULATE : 0),
                    -1, 0L);
            if (addr.address() == -1L) {
                int errno = (int) n.errno.get(state, 0L);
                throw new OutOfMemoryError("mmap of " + size + " bytes of anonymous memory failed, errno " + errno);
            }
            // only advice: a kernel without transparent huge pages refuses it, and that is fine
            int ignored = (int) n.madvise.invokeExact(addr, size, MADV_HUGEPAGE);
            return Optional.of(addr.reinterpret(size, arena, s -> n.unmap(s, size)));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mmap could not be called", t);
        }
    }

    /** The downcall handles, made on first use. */
    private static final class Native {
        static final Native INSTANCE = new Native();

        final StructLayout stateLayout = Linker.Option.captureStateLayout();
        final VarHandle errno = stateLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        final MethodHandle mmap;
        final MethodHandle munmap;
        final MethodHandle madvise;

        private Native() {
            Linker linker = Linker.nativeLinker();
            MemorySegment mmapAddr = linker.defaultLookup().findOrThrow("mmap");
            MemorySegment munmapAddr = linker.defaultLookup().findOrThrow("munmap");
            mmap = linker.downcallHandle(mmapAddr, FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG), Linker.Option.captureCallState("errno"));
            madvise = linker.downcallHandle(linker.defaultLookup().findOrThrow("madvise"), FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            munmap = linker.downcallHandle(munmapAddr, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG));
        }

        void unmap(MemorySegment segment, long size) {
            try {
                int rc = (int) munmap.invokeExact(segment, size);
                if (rc != 0) {
                    throw new IllegalStateException("munmap of " + size + " bytes failed");
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("munmap could not be called", t);
            }
        }
    }
}
