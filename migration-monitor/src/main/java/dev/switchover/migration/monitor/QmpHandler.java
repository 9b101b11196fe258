package dev.switchover.migration.monitor;

import dev.switchover.migration.qapi.json.JsonValue;

/**
 * One QMP command. It reads all of its arguments and calls {@link Arguments#done()} before it
 * acts. It runs on the calling client's thread; {@link IllegalArgumentException} and
 * {@link IllegalStateException} from the machine become {@code GenericError}.
 */
@FunctionalInterface
interface QmpHandler {

    /** Runs the command and returns its {@code return} value. */
    JsonValue execute(Arguments args, CommandContext context) throws QmpError;
}
