package dev.switchover.migration.core.internal.engine;

import java.time.Duration;

/**
 * A device call that outlived its deadline and was abandoned by the {@link DeviceCallGuard}.
 *
 * @param slot    the device
 * @param call    the call, as {@code error-desc} names it: {@code saveIterate}, {@code queryPending(EXACT)},
 *                {@code loadSection(PART)}
 * @param thread  the thread still inside the call
 * @param timeout the deadline it missed
 */
public record HungCall(DeviceSlot slot, String call, Thread thread, Duration timeout) {

    /** The {@code error-desc}: {@code device 'ram0' did not return from saveIterate within 2000 ms}. */
    public String describe() {
        return "device '" + slot.id() + "' did not return from " + call + " within " + timeout.toMillis() + " ms";
    }
}
