package dev.switchover.migration.core.internal.transport;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the JVM's JIT to compile the JDK's AES-GCM — the cipher of TLS 1.3's default suites —
 * before a migration's bulk goes through it, once per process.
 *
 * <p>Why: HotSpot uses the AES-GCM instructions (AES-NI, carry-less multiply) only from code its
 * optimising compiler made, which it does after thousands of calls; until then every 16 KiB
 * TLS record is encrypted by the cipher's plain Java code, about ten times slower. A fresh
 * process thus spent its first ~150 MiB of an encrypted migration at ~0.3 GiB/s per side. This
 * runs those calls on small buffers instead (a tenth of a second of CPU time), on a background
 * thread started when TLS is configured ({@link #start()}), and the channel waits for it after
 * its handshake ({@link #awaitDone()}) so the bulk starts on compiled code.
 *
 * <p>The calls mirror the JDK's TLS 1.3 record cipher: a fresh nonce per record, 5 bytes of
 * additional data, encryption and decryption in place in a heap buffer, records of at least
 * GaloisCounterMode's 512-byte unit so the path the bulk takes is the one compiled. The key is
 * random and thrown away; nothing here touches a session's keys. A failure (a JVM without
 * AES-GCM) only means no warm-up.
 */
final class AesGcmWarmUp {

    /** Encryptions and decryptions each: beyond HotSpot's tier-4 invocation thresholds. */
    static final int OPERATIONS = 10_000;
    /**
     * Plaintext bytes per operation: two of GaloisCounterMode's 512-byte parallel units and one
     * byte, as a TLS 1.3 record is 16 KiB and its content-type byte: the last block is partial,
     * so the compiled code has both the bulk and the tail paths the records take.
     */
    static final int RECORD_BYTES = 1024 + 1;
    /** The longest a channel waits for the warm-up: it only saves time, it must not cost much. */
    private static final long MAX_WAIT_MILLIS = 2_000;

    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 5;
    private static final int NONCE_BYTES = 12;

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    /**
     * The longest the warm-up runs, whatever it reached: with an optimising compiler it needs
     * about a tenth of a second; a JVM without one ({@code -XX:TieredStopAtLevel=1}, as the
     * integration tests' machines run) never gets the compiled code and spent ~10 CPU-s on the
     * full count, on a thread competing with the migration it was meant to speed up.
     */
    static final long MAX_RUN_NANOS = 1_000_000_000L;
    private static final FutureTask<Void> TASK = new FutureTask<>(() -> {
        run(OPERATIONS, MAX_RUN_NANOS);
        return null;
    });

    private AesGcmWarmUp() {
    }

    /** Starts the warm-up on a daemon thread unless it was started before; returns at once. */
    static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().name("tls-cipher-warm-up").daemon().start(TASK);
        }
    }

    /**
     * Waits until the warm-up is over, at most {@value #MAX_WAIT_MILLIS} ms; starts it if
     * nobody did. An interrupt ends the wait and stays set.
     */
    static void awaitDone() {
        start();
        try {
            TASK.get(MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // only an optimisation: the migration goes on with whatever the JIT has compiled
        }
    }

    /** Whether the warm-up ran to its end. */
    static boolean done() {
        return TASK.isDone() && !TASK.isCancelled();
    }

    /**
     * {@code operations} in-place encryptions, each followed by the decryption of its record, or
     * fewer if {@code maxNanos} ran out first.
     *
     * @return the operations done
     */
    static int run(int operations, long maxNanos) throws GeneralSecurityException {
        long deadline = System.nanoTime() + maxNanos;
        byte[] keyBytes = new byte[32];
        SecureRandom random = new SecureRandom();
        random.nextBytes(keyBytes);
        SecretKeySpec key = new SecretKeySpec(keyBytes, "AES");
        Cipher encrypt = Cipher.getInstance("AES/GCM/NoPadding");
        Cipher decrypt = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] header = new byte[HEADER_BYTES];
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        ByteBuffer record = ByteBuffer.allocate(RECORD_BYTES + TAG_BITS / 8);
        int i = 0;
        for (; i < operations && ((i & 63) != 0 || System.nanoTime() - deadline < 0); i++) {
            nonce[0] = (byte) i;
            nonce[1] = (byte) (i >>> 8);
            nonce[2] = (byte) (i >>> 16);
            GCMParameterSpec spec = new GCMParameterSpec(TAG_BITS, nonce);
            encrypt.init(Cipher.ENCRYPT_MODE, key, spec);
            encrypt.updateAAD(header);
            record.clear();
            encrypt.doFinal(record.duplicate().limit(RECORD_BYTES), record);
            decrypt.init(Cipher.DECRYPT_MODE, key, spec);
            decrypt.updateAAD(header);
            record.flip();
            decrypt.doFinal(record.duplicate(), record.clear());
        }
        return i;
    }
}
