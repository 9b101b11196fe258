package dev.switchover.migration.monitor;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Binds a Unix domain socket whose file is mode 0600 from its first instant, whatever the
 * umask: it is bound inside a fresh directory only its owner can enter (0700), made 0600 there,
 * then moved to its path — the socket stays bound to the moved file, and no other user ever
 * had a moment to connect.
 */
final class PrivateUnixSocket {

    private PrivateUnixSocket() {
    }

    static void bind(ServerSocketChannel listener, Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Path staging = Files.createTempDirectory(parent, ".qmp-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path bound = staging.resolve("s");
        try {
            listener.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            Files.move(bound, path, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(bound);
            Files.deleteIfExists(staging);
        }
    }
}
