using System.Diagnostics;
using Edge.SyncAgent.Outbox;

namespace Edge.SyncAgent.Tests;

/// <summary>When the agent steps aside for ingest: only while the log grows faster than a real race reads.</summary>
public class IngestPressureTests
{
    private static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    [Fact]
    public void A_burst_of_reads_is_high_pressure_and_a_race_pace_is_not()
    {
        var pressure = new IngestPressure(5_000, TimeSpan.FromSeconds(1));
        // A real race: 100 reads a second for three seconds.
        for (var t = 0; t <= 30; t++)
        {
            pressure.Observe(Ticks(t / 10.0), 1_000 + t * 10);
        }

        Assert.False(pressure.IsHigh(Ticks(3)));

        // A middleware replaying its memory: 60,000 reads in the next second.
        for (var t = 1; t <= 10; t++)
        {
            pressure.Observe(Ticks(3 + t / 10.0), 1_300 + t * 6_000);
        }

        Assert.True(pressure.IsHigh(Ticks(4)));
    }

    [Fact]
    public void Pressure_ends_when_the_burst_does_and_a_static_backlog_is_none()
    {
        var pressure = new IngestPressure(5_000, TimeSpan.FromSeconds(1));
        pressure.Observe(Ticks(0), 0);
        pressure.Observe(Ticks(0.5), 50_000);
        Assert.True(pressure.IsHigh(Ticks(0.5)));
        // Nothing new for two seconds: the rate over the last window is zero.
        for (var t = 6; t <= 25; t++)
        {
            pressure.Observe(Ticks(t / 10.0), 50_000);
        }

        Assert.False(pressure.IsHigh(Ticks(2.5)));

        var backlog = new IngestPressure(5_000, TimeSpan.FromSeconds(1));
        backlog.Observe(Ticks(0), 400_000);
        backlog.Observe(Ticks(0.01), 400_000);
        Assert.False(backlog.IsHigh(Ticks(0.01)));
    }

    [Fact]
    public void Zero_turns_stepping_aside_off()
    {
        var pressure = new IngestPressure(0, TimeSpan.FromSeconds(1));
        pressure.Observe(Ticks(0), 0);
        pressure.Observe(Ticks(0.5), 1_000_000);
        Assert.False(pressure.IsHigh(Ticks(0.5)));
    }
}
