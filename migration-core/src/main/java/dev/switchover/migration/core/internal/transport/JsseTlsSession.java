package dev.switchover.migration.core.internal.transport;

import dev.switchover.migration.spi.TlsSession;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;

/**
 * The JDK's TLS ({@link SSLEngine}, TLS 1.3) over a blocking socket, for {@code
 * tls-creds-x509}. One thread may read while another writes: each direction has its own lock
 * and buffers; a post-handshake message (a key update) read is answered under the write lock.
 * A refused peer makes {@link #handshake()} throw an {@link SSLException} whose message is the
 * reason ({@link #reason}).
 */
final class JsseTlsSession implements TlsSession {

    /** Encrypted bytes gathered before one socket write: many records per system call. */
    private static final int NET_OUT_RECORDS = 16;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final Object readLock = new Object();
    private final Object writeLock = new Object();
    /**
     * Encrypted bytes read and not yet decrypted, between position and limit (read mode: a
     * record is decrypted where it lies, and the buffer is compacted only to read more). Read lock.
     */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet taken by the reader (write mode). Read lock. */
    private ByteBuffer appIn;
    /** Encrypted bytes not yet written (write mode). Write lock. */
    private final ByteBuffer netOut;
    private boolean inboundDone;

    private final ByteChannel socket;

    JsseTlsSession(ByteChannel socket, SSLEngine engine) {
        this.socket = socket;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet * NET_OUT_RECORDS).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(packet * NET_OUT_RECORDS);
    }

    /**
     * Runs the TLS handshake on the calling thread; blocking. The exception's message is {@link
     * #reason}. Then waits for the JIT to have compiled the record cipher ({@link AesGcmWarmUp}).
     */
    @Override
    public void handshake() throws IOException {
        shakeHands();
        AesGcmWarmUp.awaitDone();
    }

    private void shakeHands() throws IOException {
        synchronized (readLock) {
            synchronized (writeLock) {
                try {
                    engine.beginHandshake();
                    HandshakeStatus hs = engine.getHandshakeStatus();
                    while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
                        hs = switch (hs) {
                            case NEED_WRAP -> wrapHandshake();
                            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapHandshake();
                            case NEED_TASK -> runTasks();
                            default -> throw new IllegalStateException("TLS handshake status " + hs);
                        };
                    }
                } catch (SSLException e) {
                    sendAlert();
                    throw new SSLException(reason(e), e);
                }
            }
        }
    }

    private HandshakeStatus wrapHandshake() throws IOException {
        SSLEngineResult r = engine.wrap(EMPTY, netOut);
        flush();
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("the TLS session closed during its handshake");
        }
        return r.getHandshakeStatus();
    }

    private HandshakeStatus unwrapHandshake() throws IOException {
        SSLEngineResult r = engine.unwrap(netIn, appIn);
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                if (fill() < 0) {
                    throw new EOFException("the peer closed the connection during the TLS handshake");
                }
            }
            case CLOSED -> throw new SSLException("the peer closed the TLS session during its handshake");
            default -> {
            }
        }
        return r.getHandshakeStatus() == HandshakeStatus.NEED_TASK ? runTasks() : engine.getHandshakeStatus();
    }

    private HandshakeStatus runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        return engine.getHandshakeStatus();
    }

    /** After a failed handshake the engine holds the alert for the peer: best effort to send it. */
    private void sendAlert() {
        try {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                SSLEngineResult r = engine.wrap(EMPTY, netOut);
                if (r.bytesProduced() == 0) {
                    break;
                }
            }
            flush();
        } catch (IOException | RuntimeException e) {
            // the peer is told by the closed connection instead
        }
    }

    /** Reads more encrypted bytes after those not yet decrypted; -1 at end of stream. Read lock. */
    private int fill() throws IOException {
        netIn.compact();
        try {
            if (!netIn.hasRemaining()) {
                netIn = grow(netIn, 0);
            }
            return socket.read(netIn);
        } finally {
            netIn.flip();
        }
    }

    /** Writes every encrypted byte gathered. Write lock. */
    private void flush() throws IOException {
        netOut.flip();
        while (netOut.hasRemaining()) {
            socket.write(netOut);
        }
        netOut.clear();
    }

    /**
     * Decrypts into {@code dst}: a large destination takes the records straight from the engine,
     * as many as the bytes already read hold (one socket read carries many records); a small one
     * goes through {@link #appIn}. Blocks on the socket only when nothing was decrypted yet.
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        synchronized (readLock) {
            if (!dst.hasRemaining()) {
                return 0;
            }
            int produced = 0;
            while (true) {
                if (appIn.position() > 0) {
                    return produced > 0 ? produced : drainTo(dst);
                }
                boolean direct = dst.remaining() >= appIn.capacity();
                if (inboundDone || (produced > 0 && !direct)) {
                    return produced > 0 ? produced : -1;
                }
                SSLEngineResult r = engine.unwrap(netIn, direct ? dst : appIn);
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    answerPostHandshake();
                }
                switch (r.getStatus()) {
                    case OK -> {
                        if (direct) {
                            produced += r.bytesProduced();
                        }
                    }
                    case BUFFER_UNDERFLOW -> {
                        if (produced > 0) {
                            return produced;
                        }
                        if (fill() < 0) {
                            inboundDone = true; // the stream's own framing tells a cut from an end
                        }
                    }
                    case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                    case CLOSED -> inboundDone = true;
                }
            }
        }
    }

    private int drainTo(ByteBuffer dst) {
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        ByteBuffer slice = appIn.slice(appIn.position(), n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n;
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, atLeast));
        b.flip();
        return bigger.put(b);
    }

    /** A post-handshake message (a key update) wants an answer. */
    private void answerPostHandshake() throws IOException {
        synchronized (writeLock) {
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                engine.wrap(EMPTY, netOut);
            }
            flush();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        synchronized (writeLock) {
            long consumed = 0;
            while (remaining(srcs, offset, length) > 0) {
                SSLEngineResult r = engine.wrap(srcs, offset, length, netOut);
                consumed += r.bytesConsumed();
                switch (r.getStatus()) {
                    case OK -> {
                        if (netOut.remaining() < engine.getSession().getPacketBufferSize()) {
                            flush();
                        }
                    }
                    case BUFFER_OVERFLOW -> flush();
                    case CLOSED -> throw new ClosedChannelException();
                    case BUFFER_UNDERFLOW -> throw new IllegalStateException("TLS wrap underflow");
                }
            }
            flush();
            return consumed;
        }
    }

    private static long remaining(ByteBuffer[] srcs, int offset, int length) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += srcs[i].remaining();
        }
        return n;
    }

    /** The innermost message in {@code e}'s causes: a {@link TlsPeerCheck.Refused} reason when there is one. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TlsPeerCheck.Refused) {
                return t.getMessage();
            }
        }
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        // JSSE's client offers only a certificate from an authority the server named: a stranger's is never sent
        return m.contains("Empty client certificate chain")
                ? "the peer sent no certificate from a trusted authority (" + m + ")" : m;
    }

    /** TLS's close_notify before the socket's output is shut down: the peer reads the end of the stream. */
    @Override
    public void closeOutput() throws IOException {
        synchronized (writeLock) {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                if (engine.wrap(EMPTY, netOut).bytesProduced() == 0) {
                    break;
                }
            }
            flush();
        }
    }
}
