package dev.switchover.migration.monitor;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The outbox's two paths: replies written by their own thread when idle, everything else queued. */
class OutboxTest {

    /** Guards against a deadlock hanging the build; not a performance bound. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);

    @Test
    void aReplyToAnIdleOutboxIsWrittenByTheCallingThread() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Outbox outbox = new Outbox(out, 4, e -> { });
        // no writer thread started: only the caller can have written it
        assertThat(outbox.put("{\"return\": {}}")).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"return\": {}}\r\n");
        assertThat(outbox.awaitFlushed(0)).isTrue();
    }

    @Test
    void aReplyQueuesBehindEventsOfferedBeforeIt() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Outbox outbox = new Outbox(out, 4, e -> { });
        assertThat(outbox.offer("e1")).isTrue();
        assertThat(outbox.put("r1")).isTrue();
        assertThat(out.size()).isZero();
        outbox.start("test-writer");
        assertThat(outbox.awaitFlushed(HANG_GUARD.toMillis())).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("e1\r\nr1\r\n");
    }

    @Test
    void eventsWaitBehindAReplyStuckInItsWriteWithoutBlockingTheirSender() throws Exception {
        CountDownLatch inWrite = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                if (inWrite.getCount() > 0) {
                    inWrite.countDown();
                    try {
                        release.await(); // a client that does not read
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                written.write(b, off, len);
            }
        };
        Outbox outbox = new Outbox(slow, 2, e -> { });
        outbox.start("test-writer");
        CompletableFuture<Boolean> reply = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                reply.complete(outbox.put("r1"));
            } catch (InterruptedException e) {
                reply.completeExceptionally(e);
            }
        });
        inWrite.await();
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            assertThat(outbox.offer("e1")).isTrue();
            assertThat(outbox.offer("e2")).isTrue();
            assertThat(outbox.offer("e3")).as("the queue is full: the client would be dropped").isFalse();
        });
        release.countDown();
        assertThat(reply.get()).isTrue();
        assertThat(outbox.awaitFlushed(HANG_GUARD.toMillis())).isTrue();
        synchronized (slow) {
            assertThat(written.toString(StandardCharsets.UTF_8)).isEqualTo("r1\r\ne1\r\ne2\r\n");
        }
    }

    @Test
    void aFailedDirectWriteClosesTheOutboxAndReportsOnce() throws Exception {
        List<IOException> failures = new CopyOnWriteArrayList<>();
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("broken pipe");
            }
        };
        Outbox outbox = new Outbox(broken, 4, failures::add);
        outbox.start("test-writer");
        assertThat(outbox.put("r1")).isFalse();
        assertThat(failures).singleElement().extracting(Throwable::getMessage).isEqualTo("broken pipe");
        assertThat(outbox.offer("e1")).isFalse();
        assertThat(outbox.put("r2")).isFalse();
    }
}
