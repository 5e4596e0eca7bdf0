namespace Edge.Appliance.Console;

/// <summary>An instant in the controllers' time base, and how it was found.</summary>
public sealed record ControllerInstant(long AtMs, string Source);

/// <summary>
/// "Now" as the timing controllers count it: the box's clock plus the offset measured between the controllers'
/// read times and the box's clock. A gun started from the console lands on the same time base as the reads.
/// </summary>
public sealed class ControllerClock(TimeProvider time)
{
    public ControllerInstant Now()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new ControllerInstant(now, "box clock, no controller offset measured yet");
    }
}
