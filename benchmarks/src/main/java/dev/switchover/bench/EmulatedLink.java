package dev.switchover.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where the destination listens and how the source reaches it: loopback, or a network namespace
 * joined to this one by a veth pair whose source side is shaped by {@code tc tbf} to a rate
 * (1 Gbit/s, 10 Gbit/s). Only root can set one up; {@link #close} removes the namespace (and with
 * it the veth pair) whatever happened.
 */
sealed interface EmulatedLink extends AutoCloseable {

    /** Name printed in the table, e.g. {@code loopback}, {@code veth-1gbit}. */
    String name();

    /** The address the destination binds its incoming listener to. */
    String destinationHost();

    /** What runs the destination's JVM: empty, or {@code ip netns exec NS}. */
    List<String> destinationPrefix();

    @Override
    void close();

    /** Both processes on 127.0.0.1. */
    record Loopback() implements EmulatedLink {
        @Override
        public String name() {
            return "loopback";
        }

        @Override
        public String destinationHost() {
            return "127.0.0.1";
        }

        @Override
        public List<String> destinationPrefix() {
            return List.of();
        }

        @Override
        public void close() {
        }
    }

    /** The destination in namespace {@link #NAMESPACE}, behind a veth pair shaped to {@code rate}. */
    record Veth(String rate) implements EmulatedLink {
        static final String NAMESPACE = "swbench-dst";
        static final String HOST_SIDE = "swbench0";
        static final String NS_SIDE = "swbench1";
        static final String HOST_ADDRESS = "10.213.77.1";
        static final String NS_ADDRESS = "10.213.77.2";

        /**
         * Creates the namespace, the veth pair and the shaping; removes a leftover of an earlier
         * run first.
         *
         * @param rate {@code tc} rate, e.g. {@code 1gbit}
         * @throws IOException naming the command that failed (not root, no {@code ip} or {@code tc})
         */
        static Veth setUp(String rate) throws IOException, InterruptedException {
            run(true, "ip", "netns", "del", NAMESPACE);
            Veth link = new Veth(rate);
            try {
                run(false, "ip", "netns", "add", NAMESPACE);
                run(false, "ip", "link", "add", HOST_SIDE, "type", "veth", "peer", "name", NS_SIDE);
                run(false, "ip", "link", "set", NS_SIDE, "netns", NAMESPACE);
                run(false, "ip", "addr", "add", HOST_ADDRESS + "/30", "dev", HOST_SIDE);
                run(false, "ip", "link", "set", HOST_SIDE, "up");
                run(false, "ip", "-n", NAMESPACE, "addr", "add", NS_ADDRESS + "/30", "dev", NS_SIDE);
                run(false, "ip", "-n", NAMESPACE, "link", "set", NS_SIDE, "up");
                run(false, "ip", "-n", NAMESPACE, "link", "set", "lo", "up");
                // burst: at least rate / HZ; 50 ms of queue before tbf drops
                long bitsPerSecond = bits(rate);
                String burst = Math.max(64 * 1024, bitsPerSecond / 8 / 250) + "b";
                run(false, "tc", "qdisc", "add", "dev", HOST_SIDE, "root", "tbf", "rate", rate, "burst", burst,
                        "latency", "50ms");
                run(false, "tc", "-n", NAMESPACE, "qdisc", "add", "dev", NS_SIDE, "root", "tbf", "rate", rate, "burst", burst,
                        "latency", "50ms");
            } catch (IOException | InterruptedException e) {
                link.close();
                throw e;
            }
            return link;
        }

        @Override
        public String name() {
            return "veth-" + rate;
        }

        @Override
        public String destinationHost() {
            return NS_ADDRESS;
        }

        @Override
        public List<String> destinationPrefix() {
            return List.of("ip", "netns", "exec", NAMESPACE);
        }

        @Override
        public void close() {
            try {
                run(true, "ip", "netns", "del", NAMESPACE);
            } catch (IOException | InterruptedException e) {
                System.err.println("could not remove network namespace " + NAMESPACE + ": " + e.getMessage());
            }
        }

        private static long bits(String rate) {
            String r = rate.toLowerCase(Locale.ROOT);
            long unit = r.endsWith("gbit") ? 1_000_000_000L : r.endsWith("mbit") ? 1_000_000L : 1L;
            return Long.parseLong(r.replaceAll("[^0-9]", "")) * unit;
        }

        /** Runs a command; one that fails is an error naming it unless {@code mayFail}. */
        private static void run(boolean mayFail, String... command) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", command) + "' did not finish within 30 s");
            }
            if (p.exitValue() != 0 && !mayFail) {
                throw new IOException("'" + String.join(" ", command) + "' failed (" + p.exitValue() + "): " + out);
            }
        }
    }
}
