namespace Edge.SyncAgent.Outbox;

/// <summary>
/// When the pump saves the watermark (an fsync): once half a window of acknowledged rows has gathered, when nothing is
/// in flight any more, or when the last save is <paramref name="interval"/> old. A few saves a second during a drain
/// instead of one per acknowledgement, so the agent's fsyncs do not crowd the appliance's commits. The age is measured
/// on the <see cref="TimeProvider"/>'s monotonic clock: a stepped wall clock neither stops nor hurries the saves
/// (see <see cref="Deadline"/>).
/// </summary>
internal sealed class SaveSchedule(TimeProvider time, long windowRows, TimeSpan interval)
{
    private long? _savedAt;

    /// <summary>The watermark was just saved.</summary>
    public void Saved() => _savedAt = time.GetTimestamp();

    /// <summary>True when <paramref name="unsaved"/> acknowledged rows above the saved watermark, with <paramref name="inflight"/> messages still out, should be saved now.</summary>
    public bool Due(long unsaved, int inflight)
    {
        if (unsaved <= 0)
        {
            return false;
        }

        return unsaved >= windowRows / 2
            || inflight == 0
            || _savedAt is not { } savedAt
            || time.GetElapsedTime(savedAt) >= interval;
    }
}
