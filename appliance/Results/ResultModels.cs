using Edge.Appliance.Meet;
using Edge.Store;

namespace Edge.Appliance.Results;

public enum ParticipantStatus
{
    /// <summary>In the roster, no reads yet.</summary>
    Registered,
    /// <summary>Seen at the start only.</summary>
    Started,
    /// <summary>Seen at a split (or the finish before the minimum time): still out there.</summary>
    OnCourse,
    Finished,
    /// <summary>Did not finish (a correction).</summary>
    Dnf,
    /// <summary>Disqualified (a correction).</summary>
    Dq,
}

/// <summary>A split: the first read at a split location after the chip start.</summary>
public sealed record SplitTime(string Location, double? Km, long AtMs, TimeSpan Elapsed);

/// <summary>One participant's result as the engine derives it from the log. Immutable.</summary>
public sealed record ResultRow(
    Participant Participant,
    string? Division,
    ParticipantStatus Status,
    long? ChipStartMs,
    long? FinishMs,
    TimeSpan? ChipTime,
    TimeSpan? GunTime,
    int? Place,
    int? GenderPlace,
    int? DivisionPlace,
    string? LastLocation,
    long? LastSeenMs,
    IReadOnlyList<SplitTime> Splits,
    TimeSpan? PacePerKm,
    TimeSpan? PacePerMile,
    string? Note)
{
    public string Bib => Participant.Bib;
    public string Name => Participant.Name;
    public string RaceId => Participant.RaceId;
}

/// <summary>A race's results at one moment: finishers in place order, then everyone else by bib.</summary>
public sealed record RaceResults(
    Race Race,
    long? GunMs,
    IReadOnlyList<ResultRow> Finishers,
    IReadOnlyList<ResultRow> Others,
    RaceCounts Counts)
{
    public IEnumerable<ResultRow> All => Finishers.Concat(Others);
}

public sealed record RaceCounts(int Registered, int Started, int OnCourse, int Finished, int Dnf, int Dq)
{
    public int Total => Registered + Started + OnCourse + Finished + Dnf + Dq;

    /// <summary>Started minus finished minus DNF (and DQ): who is still out on the course.</summary>
    public int StillOut => Started + OnCourse;
}

/// <summary>A tag read at the box that no participant carries: kept and listed, never dropped.</summary>
public sealed record UnknownTag(string Tag, long Reads, string LastLocation, long LastAtMs);

/// <summary>A correction kept in the log that results ignore, and why (a registration naming no race of the meet, say).</summary>
public sealed record RejectedCorrection(long LogId, LogKind Kind, string Reason);

/// <summary>
/// Everything the pages, displays and API show, as of one log id. Replaced whole after each applied batch,
/// so a request reads one consistent moment without locks.
/// </summary>
public sealed record ResultsSnapshot(
    Meet.Meet Meet,
    long LastLogId,
    long Version,
    IReadOnlyDictionary<string, RaceResults> Races,
    IReadOnlyDictionary<string, ResultRow> ByBib,
    IReadOnlyList<ResultRow> RecentFinishers,
    IReadOnlyList<UnknownTag> UnknownTags,
    long UnknownTagCount,
    IReadOnlyList<RejectedCorrection> RejectedCorrections)
{
    public RaceResults? Race(string id) =>
        Races.TryGetValue(id, out var race) ? race : Races.Values.FirstOrDefault(r => string.Equals(r.Race.Id, id, StringComparison.OrdinalIgnoreCase));
}

/// <summary>What one applied batch changed: SSE clients and displays decide from it whether to refresh.</summary>
public sealed record ResultsChange(long Version, long LastLogId, IReadOnlyList<string> Races, IReadOnlyList<string> Bibs, IReadOnlyList<string> Finished);
