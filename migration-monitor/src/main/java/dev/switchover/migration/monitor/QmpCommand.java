package dev.switchover.migration.monitor;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One row of the monitor's command table: what dispatch runs, what {@code query-commands} lists
 * and what {@code query-qmp-schema} describes, from one declaration.
 *
 * @param name        the command's name
 * @param arguments   its arguments' type ({@link QapiType#EMPTY} for none)
 * @param returns     its return type
 * @param emitsEvents whether it may publish events (e.g. {@code STOP}); its reply then waits until
 *                    they were queued for every client, so they come before the reply, as in QEMU
 * @param handler     what it does
 */
record QmpCommand(String name, QapiType.ObjectType arguments, QapiType returns, boolean emitsEvents,
                  QmpHandler handler) {

    QmpCommand {
        Objects.requireNonNull(name);
        Objects.requireNonNull(arguments, name);
        Objects.requireNonNull(returns, name);
        Objects.requireNonNull(handler, name);
    }

    /** Every argument member name, a union's variants included: what the handler may read. */
    Set<String> argumentNames() {
        Set<String> names = new HashSet<>();
        arguments.members().forEach(m -> names.add(m.name()));
        arguments.variants().forEach(v -> v.type().members().forEach(m -> names.add(m.name())));
        return names;
    }
}
