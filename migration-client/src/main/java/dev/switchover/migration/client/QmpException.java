package dev.switchover.migration.client;

import java.util.Objects;

/**
 * The monitor answered a command with an error: {@code {"error": {"class": ..., "desc": ...}}}.
 * The connection stays usable.
 *
 * <p>{@link #errorClass()} is QEMU's error class ({@code GenericError}, {@code CommandNotFound},
 * ...); {@link #description()} is the human-readable text, which QEMU-compatible monitors keep
 * stable enough that management software matches on it.
 *
 * @since 0.1
 */
public final class QmpException extends Exception {

    private final String command;
    private final String errorClass;
    private final String description;

    /**
     * @param command     the command that failed
     * @param errorClass  the error's {@code class}
     * @param description the error's {@code desc}
     */
    public QmpException(String command, String errorClass, String description) {
        super(command + ": " + errorClass + ": " + description);
        this.command = Objects.requireNonNull(command, "command");
        this.errorClass = Objects.requireNonNull(errorClass, "errorClass");
        this.description = Objects.requireNonNull(description, "description");
    }

    /** The command that failed. */
    public String command() {
        return command;
    }

    /** QEMU's error class, e.g. {@code GenericError}. */
    public String errorClass() {
        return errorClass;
    }

    /** The error's {@code desc}. */
    public String description() {
        return description;
    }
}
