using System.Diagnostics;

namespace Edge.SyncAgent.Tests.Support;

public static class Poll
{
    /// <summary>Polls until the condition holds; returns how long that took, or fails saying what did not happen.</summary>
    public static TimeSpan Until(Func<bool> condition, TimeSpan timeout, Func<string> what, int everyMs = 10)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what()}");
            }

            Thread.Sleep(everyMs);
        }

        return clock.Elapsed;
    }
}
