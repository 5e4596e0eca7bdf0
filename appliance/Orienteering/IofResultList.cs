namespace Edge.Appliance.Orienteering;

/// <summary>
/// An IOF XML 3.0 <c>ResultList</c> as read by <see cref="IofResultListParser"/> (PROTOCOLS.md §3): what the
/// orienteering software (OE, MeOS, QuickEvent) exported, unscored. Team (relay) results are not read.
/// </summary>
/// <remarks>
/// Days (the races of a multi-day event, IOF.xsd's "multi-race event"): a result's day is its Result's
/// <c>raceNumber</c> (<see cref="IofPersonResult.RaceNumber"/>); without one, the Event's one Race's
/// <c>RaceNumber</c> when the Event names exactly one; else day 1. A list may hold several days (a PersonResult with
/// a Result per race: <see cref="Classes"/> keeps each person's first, <see cref="IofPersonResult.OtherResults"/> the
/// rest) or one (each day exported on its own). <see cref="ForDay"/> gives one day's results as a single-day list,
/// which is what scoring reads; a list without race numbers is day 1 and its own <c>ForDay(1)</c>.
/// </remarks>
public sealed record IofResultList(
    IofListStatus Status,
    DateTimeOffset? CreateTime,
    string? Creator,
    IofEvent Event,
    IReadOnlyList<IofClassResult> Classes)
{
    /// <summary>The day of a result that names none: the Event's Race when it names exactly one, else 1.</summary>
    public int DefaultDay => Event.Races is [var only] ? only.Number : 1;

    /// <summary>The day a result (this list's, or one of its <see cref="IofPersonResult.OtherResults"/>) belongs to.</summary>
    public int DayOf(IofPersonResult result) => result.RaceNumber ?? DefaultDay;

    /// <summary>The days this list holds results for, in order; a list without any result holds <see cref="DefaultDay"/>.</summary>
    public IReadOnlyList<int> Days()
    {
        var days = new SortedSet<int>();
        foreach (var p in Classes.SelectMany(c => c.Persons))
        {
            days.Add(DayOf(p));
            foreach (var other in p.OtherResults)
            {
                days.Add(DayOf(other));
            }
        }

        return days.Count == 0 ? [DefaultDay] : [.. days];
    }

    /// <summary>The day's name as the Event's Race for it gives it; null when the Event does not name that race.</summary>
    public string? DayName(int day) => Event.Races.FirstOrDefault(r => r.Number == day && !string.IsNullOrWhiteSpace(r.Name))?.Name;

    /// <summary>
    /// The results of one day as a list of its own: each person with their result of that day (the first, when a file
    /// repeats a race), classes holding no one that day left out (a class holding no one at all stays on
    /// <see cref="DefaultDay"/>), each class's course for that race. The list itself when it holds only that day.
    /// </summary>
    public IofResultList ForDay(int day)
    {
        var days = Days();
        if (days is [var only] && only == day && !Classes.Any(c => c.Persons.Any(p => p.OtherResults.Count > 0)))
        {
            return this;
        }

        var classes = new List<IofClassResult>();
        foreach (var cls in Classes)
        {
            if (cls.Persons.Count == 0)
            {
                if (day == DefaultDay)
                {
                    classes.Add(cls);
                }

                continue;
            }

            var persons = new List<IofPersonResult>();
            foreach (var p in cls.Persons)
            {
                var result = DayOf(p) == day ? p : p.OtherResults.FirstOrDefault(r => DayOf(r) == day);
                if (result is not null)
                {
                    persons.Add(result with { Person = p.Person, Organisation = p.Organisation, OtherResults = [] });
                }
            }

            if (persons.Count > 0)
            {
                var course = cls.RaceCourses.FirstOrDefault(c => c.RaceNumber == day)?.Course ?? cls.Course;
                classes.Add(cls with { Course = course, Persons = persons, RaceCourses = [] });
            }
        }

        return this with { Classes = classes };
    }
}

/// <summary>The list's <c>status</c>: a Delta list holds only the results changed since the last list sent.</summary>
public enum IofListStatus
{
    Complete,
    Delta,
    Snapshot,
}

/// <summary>The event; <see cref="Races"/> are its races (days) as the Event lists them, when it does.</summary>
public sealed record IofEvent(string Name, DateOnly? Date)
{
    public IReadOnlyList<IofRace> Races { get; init; } = [];
}

/// <summary>One race of a multi-race event (Event/Race): its <c>RaceNumber</c> (from 1) and <c>Name</c>, when given.</summary>
public sealed record IofRace(int Number, string? Name);

/// <summary>
/// A class's results. <see cref="Course"/> is the first Course the file gives; <see cref="RaceCourses"/> are those
/// given for a race (<c>Course@raceNumber</c>), which <see cref="IofResultList.ForDay"/> takes for that day.
/// </summary>
public sealed record IofClassResult(IofClass Class, IofCourse? Course, IReadOnlyList<IofPersonResult> Persons)
{
    public IReadOnlyList<IofRaceCourse> RaceCourses { get; init; } = [];
}

public sealed record IofRaceCourse(int RaceNumber, IofCourse Course);

/// <summary>A class: meet.json keys its scoring by <see cref="ShortName"/>, else by <see cref="Name"/>.</summary>
public sealed record IofClass(string? Id, string Name, string? ShortName);

/// <summary>The class's course: length and climb in metres.</summary>
public sealed record IofCourse(double? Length, double? Climb);

/// <summary>
/// One competitor's result. The fields from <see cref="Bib"/> on are the PersonResult's first <c>Result</c> element;
/// a file holding several races per person keeps the others in <see cref="OtherResults"/>, one per race (each with this
/// Person and Organisation). A PersonResult with no Result is <see cref="IofStatus.Inactive"/>.
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
    IReadOnlyList<IofSplitTime> Splits)
{
    /// <summary>The Result's <c>raceNumber</c> as written; null when it has none (<see cref="IofResultList.DayOf"/> decides the day).</summary>
    public int? RaceNumber { get; init; }

    /// <summary>The person's further Result elements, for other races than this one, in file order.</summary>
    public IReadOnlyList<IofPersonResult> OtherResults { get; init; } = [];
}

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
