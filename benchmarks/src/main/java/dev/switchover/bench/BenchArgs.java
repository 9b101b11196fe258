package dev.switchover.bench;

/** The {@code --name value} options of the benchmarks that take a few plain ones. */
final class BenchArgs {

    private BenchArgs() {
    }

    /** The value after {@code name} in {@code args}, else {@code def}. */
    static String value(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return def;
    }
}
