package dev.switchover.migration.core.internal.transport;

import org.junit.jupiter.api.Test;

import java.security.GeneralSecurityException;

import static org.assertj.core.api.Assertions.assertThat;

/** The cipher warm-up does its count, or stops when its time is up (a JVM without C2 never gets there). */
class AesGcmWarmUpTest {

    @Test
    void runsTheWholeCountWithinItsTime() throws GeneralSecurityException {
        assertThat(AesGcmWarmUp.run(200, 60_000_000_000L)).isEqualTo(200);
    }

    @Test
    void stopsWhenItsTimeIsUp() throws GeneralSecurityException {
        assertThat(AesGcmWarmUp.run(AesGcmWarmUp.OPERATIONS, 0)).isZero();
    }
}
