namespace Edge.Appliance.Orienteering;

/// <summary>
/// How an orienteering meet is scored (meet.json <c>orienteering</c>, PROTOCOLS.md §3). A class is configured under
/// its IOF ShortName or Name; one not configured is scored by <see cref="ClassScheme.Time"/>.
/// </summary>
public sealed record OrienteeringSettings(
    IReadOnlyDictionary<string, ClassScoring> Classes,
    IReadOnlyList<TeamClass> Teams,
    SeriesSettings? Series)
{
    public static OrienteeringSettings None { get; } =
        new(new Dictionary<string, ClassScoring>(StringComparer.OrdinalIgnoreCase), [], null);

    /// <summary>The meet.json key configuring this class: its ShortName if configured, else its Name if configured, else null.</summary>
    public string? ConfiguredKey(IofClass cls)
    {
        if (cls.ShortName is { } s && Find(s) is { } byShort)
        {
            return byShort;
        }

        return Find(cls.Name);
    }

    /// <summary>The name a class goes by here: its configured key, else its ShortName, else its Name.</summary>
    public string KeyOf(IofClass cls) => ConfiguredKey(cls) ?? cls.ShortName ?? cls.Name;

    public ClassScoring ScoringOf(IofClass cls) => ConfiguredKey(cls) is { } key ? Classes[key] : ClassScoring.Default;

    /// <summary>True when <paramref name="name"/> (a meet.json class name) names this class, by ShortName or Name.</summary>
    public static bool Names(string name, IofClass cls) =>
        string.Equals(cls.ShortName, name, StringComparison.OrdinalIgnoreCase) || string.Equals(cls.Name, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>The classes of a list meet.json does not configure (scored by time), by ShortName else Name, each once.</summary>
    public IReadOnlyList<string> UnconfiguredClasses(IofResultList list) =>
        [.. list.Classes.Select(c => c.Class).Where(c => ConfiguredKey(c) is null).Select(c => c.ShortName ?? c.Name).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// The class whose AWT caps this class's non-OK scores: its own <c>pairedWith</c>, else a class naming it in its
    /// <c>pairedWith</c> (girls' and boys' classes of one course pair both ways).
    /// </summary>
    public string? PartnerOf(string key)
    {
        if (Classes.TryGetValue(key, out var own) && own.PairedWith is { } named)
        {
            return named;
        }

        return Classes.FirstOrDefault(c => string.Equals(c.Value.PairedWith, key, StringComparison.OrdinalIgnoreCase)).Key;
    }

    private string? Find(string name) => Classes.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>An individual class's scheme (meet.json <c>orienteering.classes.*.scoring</c>).</summary>
public enum ClassScheme
{
    /// <summary><c>time</c>: ranked by time; score = whole seconds.</summary>
    Time,
    /// <summary><c>1000pts</c>: round(winner's time / time × 1000); non-OK 0.</summary>
    Points1000,
    /// <summary><c>worldcup</c>: 100, 95, 92, then 100 − 6 − position; non-OK 0.</summary>
    WorldCup,
    /// <summary><c>awt</c>: 60 × time / AWT; non-OK 10 + 60 × time limit / AWT'; lower is better.</summary>
    Awt,
    /// <summary><c>alpha</c>: listed alphabetically, not ranked.</summary>
    Alpha,
    /// <summary><c>hide</c>: not shown.</summary>
    Hide,
}

/// <summary>A team class's scheme (meet.json <c>orienteering.teams[*].scoring</c>).</summary>
public enum TeamScheme
{
    /// <summary><c>wiol-team</c>: sum of the best positive individual scores; higher wins; ties broken scorer by scorer.</summary>
    WiolTeam,
    /// <summary><c>awt-team</c>: sum of the lowest awt scores; fewer scores than counted: not ranked; lower wins.</summary>
    AwtTeam,
}

/// <summary>The names meet.json writes for the schemes.</summary>
public static class SchemeNames
{
    public static IReadOnlyList<string> Class { get; } = ["time", "1000pts", "worldcup", "awt", "alpha", "hide"];

    public static IReadOnlyList<string> Team { get; } = ["wiol-team", "awt-team"];

    public static ClassScheme? ParseClass(string name) => Class.IndexOf(name) is var i and >= 0 ? (ClassScheme)i : null;

    public static TeamScheme? ParseTeam(string name) => Team.IndexOf(name) is var i and >= 0 ? (TeamScheme)i : null;

    public static string Of(ClassScheme scheme) => Class[(int)scheme];

    public static string Of(TeamScheme scheme) => Team[(int)scheme];

    /// <summary>True for schemes whose higher scores are better (points); false for times and awt scores.</summary>
    public static bool HigherIsBetter(ClassScheme scheme) => scheme is ClassScheme.Points1000 or ClassScheme.WorldCup;

    public static bool HigherIsBetter(TeamScheme scheme) => scheme == TeamScheme.WiolTeam;

    private static int IndexOf(this IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>
/// A class's scoring. <see cref="PairedWith"/> and <see cref="TimeLimit"/> apply to <see cref="ClassScheme.Awt"/>: the
/// paired class's AWT and the course time limit (3 h by default) set the score of a competitor who is not OK.
/// </summary>
public sealed record ClassScoring(ClassScheme Scheme)
{
    public static TimeSpan DefaultTimeLimit { get; } = TimeSpan.FromHours(3);

    public static ClassScoring Default { get; } = new(ClassScheme.Time);

    public string? PairedWith { get; init; }

    public TimeSpan TimeLimit { get; init; } = DefaultTimeLimit;
}

/// <summary>
/// A team class (meet.json <c>orienteering.teams[*]</c>): the organisations' competitors in <see cref="Classes"/>
/// (class names, by ShortName or Name) scored together; <see cref="Best"/> individual scores count.
/// </summary>
public sealed record TeamClass(string Id, string Name, IReadOnlyList<string> Classes, TeamScheme Scheme, int Best = 3);

/// <summary>A season (meet.json <c>orienteering.series</c>): each competitor's and team's <see cref="Best"/> event scores count.</summary>
public sealed record SeriesSettings(string Name, int Best = 4);
