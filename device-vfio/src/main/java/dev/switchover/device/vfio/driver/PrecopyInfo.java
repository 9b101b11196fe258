package dev.switchover.device.vfio.driver;

/**
 * The answer of {@code VFIO_MIG_GET_PRECOPY_INFO} ({@code struct vfio_precopy_info}), as the
 * driver returned it.
 *
 * <p>Both fields are the uAPI's {@code __u64} carried in a {@code long}: a value at or above
 * 2<sup>63</sup> shows up negative here, and the reader must treat it as huge, not as negative.
 * They are estimates of what is readable <em>during PRE_COPY</em>; the uAPI says they need not
 * bear any relation to {@code stop_copy_length}.
 *
 * @param initialBytes initial pre-copy data still to read; shrinks as it is read
 * @param dirtyBytes   device state changed since the data already read; rises and falls
 */
public record PrecopyInfo(long initialBytes, long dirtyBytes) {
}
