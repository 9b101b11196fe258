package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchover.migration.qapi.QmpJson;

/**
 * A command failed: becomes QMP's {@code {"error": {"class": ..., "desc": ...}}}. The
 * {@code desc} uses QEMU's wording where QEMU has one, because management software matches on
 * it.
 */
public final class QmpError extends Exception {

    /** QEMU's {@code QapiErrorClass} values that Switchover sends. */
    public enum ErrorClass {
        /** Everything but an unknown command, as in QEMU. */
        GENERIC_ERROR("GenericError"),
        /** The command does not exist (or negotiation is still required). */
        COMMAND_NOT_FOUND("CommandNotFound");

        private final String wireName;

        ErrorClass(String wireName) {
            this.wireName = wireName;
        }

        /** The spelling on the wire. */
        public String wireName() {
            return wireName;
        }
    }

    private final ErrorClass errorClass;

    public QmpError(ErrorClass errorClass, String desc) {
        super(desc, null, false, false);
        this.errorClass = errorClass;
    }

    /** A {@code GenericError}. */
    public static QmpError generic(String desc) {
        return new QmpError(ErrorClass.GENERIC_ERROR, desc);
    }

    /** A {@code CommandNotFound}. */
    public static QmpError commandNotFound(String desc) {
        return new QmpError(ErrorClass.COMMAND_NOT_FOUND, desc);
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    /** The human-readable description ({@code desc}). */
    public String desc() {
        return getMessage();
    }

    /** {@code {"class": ..., "desc": ...}}. */
    public ObjectNode toJson() {
        return QmpJson.object().put("class", errorClass.wireName()).put("desc", desc());
    }
}
