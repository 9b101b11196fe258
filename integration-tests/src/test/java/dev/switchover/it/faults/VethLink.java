package dev.switchover.it.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real network link between this host and a fresh network namespace: a veth pair, one end in
 * the namespace, each with an address of a private /30. A machine started under {@link
 * #launcher()} lives in the namespace and is reached at {@link #peerAddress()}; {@link #down()}
 * takes the host's end down, which silently cuts the link as a pulled cable or a dead switch
 * does (no FIN, no RST: each side learns it only from its own timeouts).
 *
 * <p>Needs root and {@code ip netns}; {@link #unavailableBecause()} says why not, for a skip.
 * {@link #close()} deletes the namespace (and with it the pair).
 */
final class VethLink implements AutoCloseable {

    private final String namespace;
    private final String hostEnd;
    private final String hostAddress;
    private final String peerAddress;

    private VethLink(String namespace, String hostEnd, String hostAddress, String peerAddress) {
        this.namespace = namespace;
        this.hostEnd = hostEnd;
        this.hostAddress = hostAddress;
        this.peerAddress = peerAddress;
    }

    /** Empty if this machine can make a namespace with a veth link, else the reason it can not. */
    static Optional<String> unavailableBecause() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("network namespaces need root; running as " + System.getProperty("user.name"));
        }
        try {
            Result r = run(List.of("ip", "netns", "list"));
            return r.code() == 0 ? Optional.empty()
                    : Optional.of("'ip netns list' failed (" + r.code() + "): " + r.output().strip());
        } catch (IOException e) {
            return Optional.of("the 'ip' command is not available: " + e.getMessage());
        }
    }

    /** Makes the namespace and the link, both ends up; removes what it made if a step fails. */
    static VethLink create() throws IOException {
        int id = ThreadLocalRandom.current().nextInt(1, 1 << 14);
        String ns = "swit" + id;
        String host = "swh" + id;
        String peer = "swn" + id;
        // 10.231.0.0/16 cut into /30s: .1 the host, .2 the namespace
        int base = (id % 16384) * 4;
        String prefix = "10.231." + (base >> 8) + ".";
        String hostAddress = prefix + ((base & 0xff) + 1);
        String peerAddress = prefix + ((base & 0xff) + 2);
        VethLink link = new VethLink(ns, host, hostAddress, peerAddress);
        try {
            link.ip("netns", "add", ns);
            link.ip("link", "add", host, "type", "veth", "peer", "name", peer);
            link.ip("link", "set", peer, "netns", ns);
            link.ip("addr", "add", hostAddress + "/30", "dev", host);
            link.ip("link", "set", host, "up");
            link.ip("-n", ns, "addr", "add", peerAddress + "/30", "dev", peer);
            link.ip("-n", ns, "link", "set", peer, "up");
            link.ip("-n", ns, "link", "set", "lo", "up");
            return link;
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    /** The command prefix that starts a process inside the namespace. */
    List<String> launcher() {
        return List.of("ip", "netns", "exec", namespace);
    }

    /** The namespace end's address, where a machine inside listens. */
    String peerAddress() {
        return peerAddress;
    }

    String hostAddress() {
        return hostAddress;
    }

    /** Takes the host's end down: from now on nothing crosses the link in either direction. */
    void down() throws IOException {
        ip("link", "set", hostEnd, "down");
    }

    @Override
    public void close() {
        try {
            run(List.of("ip", "link", "del", hostEnd)); // also removes the namespace's end
            run(List.of("ip", "netns", "del", namespace));
        } catch (IOException e) {
            System.err.println("could not remove network namespace " + namespace + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "veth " + hostEnd + " (" + hostAddress + ") <-> " + namespace + " (" + peerAddress + ")";
    }

    private void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Result r = run(cmd);
        if (r.code() != 0) {
            throw new IOException("'" + String.join(" ", cmd) + "' failed (" + r.code() + "): " + r.output().strip());
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", cmd) + "' did not end within 20 s");
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running " + String.join(" ", cmd), e);
        }
    }
}
