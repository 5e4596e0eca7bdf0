namespace Edge.Simulator;

/// <summary>One tag read as the middleware relays it; <see cref="Time"/> is UTC and a multiple of 10 ms.</summary>
public sealed record SimulatedRead(string Location, int Sequence, string Tag, DateTimeOffset Time, int Lap, string ReaderId, int Gator)
{
    public const string GunTag = "guntime";

    public bool IsGun => Tag == GunTag;
}
