package dev.switchover.migration.core.internal.transport;

import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/** Turns a JDK exception into the short reason QEMU would print after the colon (strerror style). */
final class Failures {

    private Failures() {
    }

    /** A connect that did not complete within its timeout. */
    static final class TimedOut extends IOException {
        TimedOut() {
            super("Connection timed out");
        }
    }

    static String reason(Throwable e) {
        return switch (e) {
            case NoSuchFileException x -> "No such file or directory";
            case AccessDeniedException x -> "Permission denied";
            case FileAlreadyExistsException x -> "File exists";
            case UnresolvedAddressException x -> "unknown host";
            default -> e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
