package dev.switchover.migration.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiVersionTest {

    @Test
    void theRuntimeVersionIsThisJarsConstants() {
        assertThat(ApiVersion.runtime()).isEqualTo(new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR));
        assertThat(ApiVersion.runtime()).hasToString(ApiVersion.MAJOR + "." + ApiVersion.MINOR);
    }

    @Test
    void sameMajorAndAnOlderOrEqualMinorIsHosted() {
        ApiVersion host = new ApiVersion(1, 2);
        assertThat(host.canHost(new ApiVersion(1, 0))).isTrue();
        assertThat(host.canHost(new ApiVersion(1, 2))).isTrue();
        assertThat(host.refusal("nic", new ApiVersion(1, 1))).isEmpty();
    }

    @Test
    void aNewerMinorIsRefusedWithTheTextUsersSee() {
        ApiVersion host = new ApiVersion(1, 0);
        assertThat(host.canHost(new ApiVersion(1, 3))).isFalse();
        assertThat(host.refusal("nic", new ApiVersion(1, 3)))
                .contains("device nic needs migration-api 1.3, this host provides 1.0");
    }

    @Test
    void anotherMajorIsRefusedEitherWay() {
        ApiVersion host = new ApiVersion(1, 0);
        assertThat(host.refusal("nic", new ApiVersion(2, 0)))
                .contains("device nic needs migration-api 2.0, this host provides 1.0 (major versions differ)");
        assertThat(host.refusal("nic", new ApiVersion(0, 9)))
                .contains("device nic needs migration-api 0.9, this host provides 1.0 (major versions differ)");
    }

    @Test
    void versionsOrderAndRejectNegativeComponents() {
        assertThat(new ApiVersion(1, 9)).isLessThan(new ApiVersion(2, 0));
        assertThat(new ApiVersion(1, 2)).isGreaterThan(new ApiVersion(1, 1));
        assertThatThrownBy(() -> new ApiVersion(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
