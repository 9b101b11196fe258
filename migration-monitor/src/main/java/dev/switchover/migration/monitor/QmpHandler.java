package dev.switchover.migration.monitor;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One QMP command. It reads all of its arguments and calls {@link Arguments#done()} before it
 * acts. It runs on the calling client's thread; {@link IllegalArgumentException} and
 * {@link IllegalStateException} from the machine become {@code GenericError}.
 */
@FunctionalInterface
interface QmpHandler {

    /** Runs the command and returns its {@code return} value. */
    JsonNode execute(Arguments args, CommandContext context) throws QmpError;
}
