namespace Edge.Appliance.Meet;

/// <summary>
/// The event a box is timing, from the meet folder's <c>meet.json</c> (<c>event</c> section), or the embedded
/// default when no meet folder is configured.
/// </summary>
public sealed record MeetEvent(string Name, DateOnly? Date, TimeZoneInfo TimeZone)
{
    /// <summary>Used when no meet folder is set: UTC and no date, so only dated times (iso, unix) are placed exactly.</summary>
    public static MeetEvent Default { get; } = new("edge", null, TimeZoneInfo.Utc);
}

/// <summary>A meet folder problem, naming the file and what is wrong in it.</summary>
public sealed class MeetException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
