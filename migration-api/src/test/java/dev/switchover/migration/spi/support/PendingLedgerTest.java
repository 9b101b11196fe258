package dev.switchover.migration.spi.support;

import dev.switchover.migration.api.Pending;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PendingLedgerTest {

    @Test
    void theEstimateIsTheLastExactMinusWhatWasSentSince() {
        PendingLedger ledger = new PendingLedger();
        assertThat(ledger.estimate()).isEqualTo(Pending.NONE);

        assertThat(ledger.reset(new Pending(1000, 300, 0))).isEqualTo(new Pending(1000, 300, 0));
        ledger.sent(Pending.precopy(400));
        ledger.sent(Pending.stopcopy(100));

        assertThat(ledger.estimate()).isEqualTo(new Pending(600, 200, 0));
    }

    @Test
    void aBucketSaturatesAtZeroAndAResetForgetsWhatWasSent() {
        PendingLedger ledger = new PendingLedger();
        ledger.reset(Pending.precopy(100));
        ledger.sent(Pending.precopy(4196));   // a record header more than was counted

        assertThat(ledger.estimate()).isEqualTo(Pending.NONE);

        ledger.reset(Pending.precopy(50));
        assertThat(ledger.estimate()).isEqualTo(Pending.precopy(50));
    }
}
