package dev.switchover.migration.core.internal.multifd;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the guest writes between passes, and however the channels' threads interleave,
 * pages sent over N multifd channels leave the destination's memory exactly as one channel
 * does — and as the source's at the end: an older copy of a page never lands over a newer one.
 */
class MultifdOrderingPropertiesTest {

    private static final int PAGES = 96; // several batches per pass, so the channels take turns within one

    @Property(tries = 20)
    void pagesOverNChannelsLandAsOverOne(@ForAll @IntRange(min = 1, max = 4) int channels,
                                         @ForAll("passes") List<List<InProcessMultifd.Write>> passes) throws Exception {
        byte[] single = InProcessMultifd.migrate(PAGES, 0, passes);
        byte[] multi = InProcessMultifd.migrate(PAGES, channels, passes);
        assertThat(multi).isEqualTo(single);
    }

    @Provide
    Arbitrary<List<List<InProcessMultifd.Write>>> passes() {
        Arbitrary<InProcessMultifd.Write> write = Arbitraries.integers().between(0, PAGES - 1)
                .flatMap(p -> Arbitraries.bytes().map(v -> new InProcessMultifd.Write(p, v)));
        return write.list().ofMaxSize(60).list().ofMinSize(1).ofMaxSize(6);
    }
}
