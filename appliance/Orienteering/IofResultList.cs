namespace Edge.Appliance.Orienteering;

/// <summary>
/// An IOF XML 3.0 <c>ResultList</c> as read by <see cref="IofResultListParser"/> (PROTOCOLS.md §3): what the
/// orienteering software (OE, MeOS, QuickEvent) exported, unscored. Team (relay) results are not read.
/// </summary>
public sealed record IofResultList(
    IofListStatus Status,
    DateTimeOffset? CreateTime,
    string? Creator,
    IofEvent Event,
    IReadOnlyList<IofClassResult> Classes);

/// <summary>The list's <c>status</c>: a Delta list holds only the results changed since the last list sent.</summary>
public enum IofListStatus
{
    Complete,
    Delta,
    Snapshot,
}

public sealed record IofEvent(string Name, DateOnly? Date);

public sealed record IofClassResult(IofClass Class, IofCourse? Course, IReadOnlyList<IofPersonResult> Persons);

/// <summary>A class: meet.json keys its scoring by <see cref="ShortName"/>, else by <see cref="Name"/>.</summary>
public sealed record IofClass(string? Id, string Name, string? ShortName);

/// <summary>The class's course: length and climb in metres.</summary>
public sealed record IofCourse(double? Length, double? Climb);

/// <summary>
/// One competitor's result. The fields from <see cref="Bib"/> on are the file's first <c>Result</c> element (a file
/// holding several races per person is read for its first); a PersonResult with no Result is <see cref="IofStatus.Inactive"/>.
/// Times are seconds as the file gives them (fractions kept). StartTime and FinishTime keep the file's offset; one
/// written without an offset is read with offset zero, so its <see cref="DateTimeOffset.DateTime"/> is the clock as written.
/// </summary>
public sealed record IofPersonResult(
    IofPerson Person,
    IofOrganisation? Organisation,
    string? Bib,
    DateTimeOffset? StartTime,
    DateTimeOffset? FinishTime,
    double? Time,
    double? TimeBehind,
    int? Position,
    IofStatus Status,
    string? ControlCard,
    IReadOnlyList<IofSplitTime> Splits);

/// <summary>A person; a vacant entry may have no id and no name.</summary>
public sealed record IofPerson(string? Id, string? Given, string? Family)
{
    /// <summary>"Given Family", or what there is of it.</summary>
    public string Name => string.Join(' ', new[] { Given, Family }.Where(s => !string.IsNullOrEmpty(s)));
}

/// <summary>A club or school; <see cref="Country"/> is the country's IOC code (<c>Country@code</c>).</summary>
public sealed record IofOrganisation(string? Id, string? Name, string? ShortName, string? Country);

/// <summary>Time in seconds since the competitor's start; null for a control visited whose time is not known, or missing.</summary>
public sealed record IofSplitTime(string ControlCode, double? Time, IofSplitStatus Status);

public enum IofSplitStatus
{
    OK,
    Missing,
    Additional,
}

/// <summary>The IOF result statuses (IOF.xsd <c>ResultStatus</c>). Only <see cref="OK"/> is ranked.</summary>
public enum IofStatus
{
    /// <summary>Finished and validated.</summary>
    OK,
    /// <summary>Finished but not yet validated.</summary>
    Finished,
    MissingPunch,
    Disqualified,
    DidNotFinish,
    /// <summary>Started, not yet finished.</summary>
    Active,
    /// <summary>Not yet started.</summary>
    Inactive,
    OverTime,
    SportingWithdrawal,
    NotCompeting,
    Moved,
    MovedUp,
    DidNotStart,
    DidNotEnter,
    Cancelled,
}

/// <summary>A file refused by <see cref="IofResultListParser"/>; the message says why in words a timer can act on.</summary>
public sealed class IofParseException(string message, int? line = null)
    : Exception(line is { } l ? $"line {l}: {message}" : message)
{
    public int? Line { get; } = line;
}
