using System.ComponentModel.DataAnnotations;

namespace Edge.Appliance.Demo;

/// <summary><c>--demo</c> and its simulated race (<c>Edge</c> section). Every default lives here.</summary>
public sealed class DemoOptions
{
    public const string Section = "Edge";

    /// <summary>Run with a demo meet of its own and feed it a simulated race (<c>--demo</c>).</summary>
    public bool Demo { get; set; }

    /// <summary>Runners in the demo roster.</summary>
    [Range(1, 100_000, ErrorMessage = "Edge:DemoParticipants must be between 1 and 100000")]
    public int DemoParticipants { get; set; } = 300;

    /// <summary>Reads per second the demo controller sends.</summary>
    [Range(0.1, 100_000, ErrorMessage = "Edge:DemoReadsPerSecond must be between 0.1 and 100000")]
    public double DemoReadsPerSecond { get; set; } = 25;
}
