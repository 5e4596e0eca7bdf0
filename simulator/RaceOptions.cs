namespace Edge.Simulator;

/// <summary>Shape of a simulated race; every default lives here.</summary>
public sealed record RaceOptions
{
    public int Participants { get; init; } = 1000;
    public int FirstBib { get; init; } = 1;

    /// <summary>Locations in course order; the first is the start (gun fired there), the last the finish.</summary>
    public IReadOnlyList<string> Locations { get; init; } = ["start", "5k", "finish"];

    /// <summary>Extra duplicate reads per participant per location (tag seen several times on the mat); 0 = one read each.</summary>
    public int ExtraReadsPerLocation { get; init; } = 0;

    public DateTimeOffset GunTime { get; init; } = new(2026, 5, 2, 15, 0, 0, TimeSpan.Zero);
    public int Seed { get; init; } = 1;

    /// <summary>
    /// When set, this location (one of <see cref="Locations"/>) is announced by a <c>newlocation</c> line only after
    /// <see cref="LateLocationAfterReads"/> reads of other locations were released; its reads are not sent before the
    /// server answers with <c>start~&lt;location&gt;</c>.
    /// </summary>
    public string? LateLocation { get; init; }

    public int LateLocationAfterReads { get; init; } = 100;

    /// <summary>Include the gun read (tag "guntime") as sequence 1 at the start location.</summary>
    public bool IncludeGun { get; init; } = true;

    /// <summary>Distance of the last location from the first; later locations are spaced evenly in between.</summary>
    public double CourseKilometers { get; init; } = 10;
}
