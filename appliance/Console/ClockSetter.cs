using System.Runtime.InteropServices;

namespace Edge.Appliance.Console;

/// <summary>Sets the operating system's clock (a Pi has no battery clock: at a venue without network time it starts wrong).</summary>
public interface IClockSetter
{
    /// <summary>Sets the system clock to <paramref name="utc"/>; throws with a message a timer can act on when it cannot.</summary>
    void Set(DateTimeOffset utc);
}

/// <summary>clock_settime(CLOCK_REALTIME): needs CAP_SYS_TIME, which the image's service unit grants the appliance.</summary>
public sealed partial class SystemClockSetter : IClockSetter
{
    private const int ClockRealtime = 0;

    public void Set(DateTimeOffset utc)
    {
        var ms = utc.ToUnixTimeMilliseconds();
        var spec = new TimeSpec { Seconds = ms / 1000, Nanoseconds = ms % 1000 * 1_000_000 };
        if (ClockSetTime(ClockRealtime, ref spec) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new InvalidOperationException(errno == 1
                ? "The box may not set its clock (it runs without the CAP_SYS_TIME capability)."
                : $"Setting the clock failed (error {errno}).");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_settime", SetLastError = true)]
    private static partial int ClockSetTime(int clock, ref TimeSpec spec);
}
